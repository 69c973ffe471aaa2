//! The OpenAPI 3.1 document at `/api/openapi.json`, generated from the code: schemas come
//! from the domain types (`ToSchema`), and the collection paths from the same registry
//! that builds the routes.

use std::sync::LazyLock;

use axum::Json;
use pactum_domain::access::NewToken;
use pactum_domain::organisation::{Member, Organisation};
use pactum_domain::taxonomy::Taxonomy;
use pactum_domain::validation::Violation;
use pactum_store::members::MemberRecord;
use pactum_store::tokens::{ApiToken, IssuedToken};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItemBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{AllOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder,
};

use crate::api::members::RoleChange;
use crate::error::Problem;
use crate::router::registry;

type Schemas = Vec<(String, RefOr<Schema>)>;

fn add<T: ToSchema>(out: &mut Schemas) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

fn json_content(schema: impl Into<RefOr<Schema>>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            json_content(reference("Problem")),
        )
        .build()
}

fn ok(description: &str, schema: RefOr<Schema>) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json_content(schema))
        .build()
}

fn path_param(name: &str, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

fn query_param(name: &str, description: &str, ty: Type) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(ty)))
        .build()
}

fn bounded_param(
    name: &str,
    description: &str,
    min: i64,
    max: Option<i64>,
) -> utoipa::openapi::path::Parameter {
    let mut schema = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min as f64));
    if let Some(max) = max {
        schema = schema.maximum(Some(max as f64));
    }
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

fn uuid_param(name: &str, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).format(
            Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Uuid,
            )),
        )))
        .build()
}

fn params_for(path: &str) -> Vec<utoipa::openapi::path::Parameter> {
    let mut out = Vec::new();
    if path.contains("{org}") {
        out.push(path_param("org", "The organisation's slug."));
    }
    if path.contains("{project}") {
        out.push(path_param("project", "The project's id."));
    }
    if path.contains("{id}") {
        out.push(path_param("id", "The record's id."));
    }
    if path.contains("{file}") {
        out.push(path_param("file", "The file's id."));
    }
    out
}

struct Op<'a> {
    summary: String,
    tag: &'a str,
    path: &'a str,
    body: Option<RefOr<Schema>>,
    success: (&'a str, utoipa::openapi::Response),
    extra_params: Vec<utoipa::openapi::path::Parameter>,
    /// Callable without signing in (the account forms).
    public: bool,
}

fn operation(op: Op<'_>) -> utoipa::openapi::path::Operation {
    let has_query = !op.extra_params.is_empty();
    let mut b = OperationBuilder::new()
        .summary(Some(op.summary))
        .tag(op.tag)
        .parameters(Some(params_for(op.path).into_iter().chain(op.extra_params)))
        .response(op.success.0, op.success.1);
    if has_query && op.body.is_none() {
        b = b.response(
            "422",
            problem("A query parameter breaks a rule; `errors` names each parameter and rule."),
        );
    }
    b = if op.public {
        b.response(
            "429",
            problem("Too many attempts from this address; see Retry-After."),
        )
    } else {
        b.response("401", problem("Not signed in: no valid token or session."))
            .response(
                "403",
                problem("Your role or the credential's scope does not allow this, or the CSRF token is missing."),
            )
            .response("404", problem("Not found in this organisation."))
            .security(SecurityRequirement::new("token", Vec::<String>::new()))
            .security(SecurityRequirement::new("session", Vec::<String>::new()))
    };
    if let Some(schema) = op.body {
        b = b
            .request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content("application/json", json_content(schema))
                    .build(),
            ))
            .response("400", problem("The body is not JSON."))
            .response("413", problem("The body is too large."))
            .response("415", problem("The body is not sent as JSON."))
            .response(
                "422",
                problem("A field breaks a rule; `errors` names each field and rule."),
            );
    }
    b.build()
}

fn stored(schema: &str) -> RefOr<Schema> {
    AllOfBuilder::new()
        .item(reference("RecordMeta"))
        .item(reference(schema))
        .into()
}

fn record_meta() -> RefOr<Schema> {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    ObjectBuilder::new()
        .property(
            "id",
            string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Uuid,
            ))),
        )
        .property(
            "project_id",
            string().description(Some("Present on records of a project's data map.")),
        )
        .property(
            "created_at",
            string().description(Some("UTC, e.g. 2026-11-23T09:30:00.000000Z.")),
        )
        .property("updated_at", string())
        .required("id")
        .required("created_at")
        .required("updated_at")
        .into()
}

fn page_of(schema: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(stored(schema)))
        .property("total", ObjectBuilder::new().schema_type(Type::Integer))
        .property("limit", ObjectBuilder::new().schema_type(Type::Integer))
        .property("offset", ObjectBuilder::new().schema_type(Type::Integer))
        .required("items")
        .required("total")
        .into()
}

/// `GET /orgs/{org}/documents/{kind}`: one operation, five content types.
fn documents_operation() -> (String, HttpMethod, utoipa::openapi::path::Operation) {
    let path = "/api/v1/orgs/{org}/documents/{kind}".to_owned();
    let kinds: Vec<&str> = pactum_documents::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let enum_of = |values: &[&str]| -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values.iter().map(|v| (*v).to_owned())))
            .into()
    };
    let kind = ParameterBuilder::new()
        .name("kind")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some("The document: ropa-controller (Art. 30(1)), ropa-processor (Art. 30(2)), dpa-annexes (Annexes 1-3 and the Art. 28(3) checklist), risk-register, breach-report (one breach, Art. 33(3); needs id), breach-register (Art. 33(5)), access-pack (one access request, Art. 15; needs id)."))
        .schema(Some(enum_of(&kinds)))
        .build();
    let format = ParameterBuilder::new()
        .name("format")
        .parameter_in(ParameterIn::Query)
        .description(Some("pdf (default), html, xlsx, csv or json."))
        .schema(Some(enum_of(&["pdf", "html", "xlsx", "csv", "json"])))
        .build();
    let lang = ParameterBuilder::new()
        .name("lang")
        .parameter_in(ParameterIn::Query)
        .description(Some("en or nl; by default the caller's language."))
        .schema(Some(enum_of(&["en", "nl"])))
        .build();
    let binary = || {
        ContentBuilder::new()
            .schema(Some(RefOr::T(Schema::Object(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Binary,
                    )))
                    .build(),
            ))))
            .build()
    };
    let text = || {
        ContentBuilder::new()
            .schema(Some(RefOr::T(Schema::Object(
                ObjectBuilder::new().schema_type(Type::String).build(),
            ))))
            .build()
    };
    let success = ResponseBuilder::new()
        .description("The document, with a Content-Disposition file name.")
        .content("application/pdf", binary())
        .content(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            binary(),
        )
        .content("text/html; charset=utf-8", text())
        .content("text/csv; charset=utf-8", text())
        .content(
            "application/json",
            json_content(RefOr::T(Schema::Object(
                ObjectBuilder::new().schema_type(Type::Object).build(),
            ))),
        )
        .build();
    let mut op = operation(Op {
        summary: "A document from the data map and registers, as PDF, HTML, XLSX, CSV or JSON, in English or Dutch".into(),
        tag: "documents",
        path: &path,
        body: None,
        success: ("200", success),
        extra_params: vec![
            kind,
            format,
            lang,
            query_param("project_id", "One project only (the data-map documents).", Type::String),
            query_param("id", "The breach or request (breach-report, access-pack).", Type::String),
            query_param("table", "For CSV: the table to write (its key); by default the document's main table.", Type::String),
        ],
        public: false,
    });
    op.responses.responses.insert(
        "422".into(),
        RefOr::T(problem(
            "A parameter breaks a rule; `errors` names it and the rule.",
        )),
    );
    (path, HttpMethod::Get, op)
}

/// The spreadsheet import: a preview and an all-or-nothing commit.
fn import_operations() -> Vec<(String, HttpMethod, utoipa::openapi::path::Operation)> {
    let segments: Vec<String> = pactum_documents::import::target::Target::ALL
        .iter()
        .map(|t| t.segment().to_owned())
        .collect();
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let body = ObjectBuilder::new()
        .property("format", string().enum_values(Some(["csv", "xlsx"])))
        .property(
            "content",
            string().description(Some("The file, base64 (the request body is limited to 1 MiB).")),
        )
        .property("sheet", string().description(Some("For XLSX: the sheet (the first by default).")))
        .property(
            "mapping",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(string()))
                .description(Some("Column header -> field. Without it: the mapping last committed for the same headers, else the one the headers suggest.")),
        )
        .required("format")
        .required("content")
        .build();
    let cell_errors = "A row, column or the mapping breaks a rule; `errors` names row, column, field and rule of each.";
    let mut out = Vec::new();
    for (suffix, summary, status, description) in [
        (
            "/preview",
            "Preview a spreadsheet import: per row the record it makes and whether it is created, conflicts or is invalid (row, column, rule)",
            "200",
            "The plan: columns, mapping (and where it came from), rows, counts.",
        ),
        (
            "",
            "Import a spreadsheet (CSV or XLSX) into a project's collection: every row or none; the mapping is remembered",
            "201",
            "The number of records created and their ids.",
        ),
    ] {
        let path =
            format!("/api/v1/orgs/{{org}}/projects/{{project}}/imports/{{collection}}{suffix}");
        let collection = ParameterBuilder::new()
            .name("collection")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .schema(Some(RefOr::T(Schema::Object(
                string().enum_values(Some(segments.clone())).build(),
            ))))
            .build();
        let mut op = operation(Op {
            summary: summary.into(),
            tag: "imports",
            path: &path,
            body: Some(RefOr::T(Schema::Object(body.clone()))),
            success: (
                status,
                ok(
                    description,
                    RefOr::T(Schema::Object(
                        ObjectBuilder::new().schema_type(Type::Object).build(),
                    )),
                ),
            ),
            extra_params: vec![collection],
            public: false,
        });
        op.responses
            .responses
            .insert("422".into(), RefOr::T(problem(cell_errors)));
        out.push((path, HttpMethod::Post, op));
    }
    out
}

/// Builds the document.
pub fn document() -> OpenApi {
    let mut schemas: Schemas = Vec::new();
    schemas.push(("RecordMeta".into(), record_meta()));
    add::<Problem>(&mut schemas);
    add::<pactum_store::files::StoredFile>(&mut schemas);
    add::<pactum_store::reports::AiReport>(&mut schemas);
    add::<pactum_store::files::Owner>(&mut schemas);
    add::<pactum_store::files::ScanStatus>(&mut schemas);
    add::<pactum_domain::files::FileKind>(&mut schemas);
    add::<pactum_domain::files::FileType>(&mut schemas);
    add::<Violation>(&mut schemas);
    add::<Organisation>(&mut schemas);
    add::<Member>(&mut schemas);
    add::<MemberRecord>(&mut schemas);
    add::<RoleChange>(&mut schemas);
    add::<NewToken>(&mut schemas);
    add::<ApiToken>(&mut schemas);
    add::<IssuedToken>(&mut schemas);
    add::<Taxonomy>(&mut schemas);
    {
        use crate::api::account::*;
        use crate::api::grant::*;
        add::<FormTicket>(&mut schemas);
        add::<pactum_domain::account::Registration>(&mut schemas);
        add::<pactum_domain::account::ProfileChange>(&mut schemas);
        add::<SignedIn>(&mut schemas);
        add::<Login>(&mut schemas);
        add::<Reauth>(&mut schemas);
        add::<Grant>(&mut schemas);
        add::<TokenPair>(&mut schemas);
        add::<Revocation>(&mut schemas);
        add::<TokenBody>(&mut schemas);
        add::<Forgot>(&mut schemas);
        add::<Reset>(&mut schemas);
        add::<Me>(&mut schemas);
        add::<pactum_store::accounts::User>(&mut schemas);
        add::<pactum_store::accounts::Membership>(&mut schemas);
        add::<PasswordChange>(&mut schemas);
        add::<EmailChange>(&mut schemas);
        add::<SessionView>(&mut schemas);
        add::<Enrolment>(&mut schemas);
        add::<CodeBody>(&mut schemas);
        add::<BackupCodes>(&mut schemas);
        add::<pactum_store::audit::AuditEvent>(&mut schemas);
        add::<crate::api::gaps::RuleGaps>(&mut schemas);
        add::<crate::api::compliance::ComplianceReport>(&mut schemas);
        add::<crate::api::compliance::DayScore>(&mut schemas);
        add::<pactum_domain::compliance::Reason>(&mut schemas);
        add::<pactum_domain::compliance::Finding>(&mut schemas);
        add::<pactum_domain::compliance::Subject>(&mut schemas);
        add::<pactum_domain::compliance::Check>(&mut schemas);
        add::<crate::api::gaps::GapRecord>(&mut schemas);
        add::<pactum_domain::gaps::Gap>(&mut schemas);
        add::<pactum_domain::gaps::GapRule>(&mut schemas);
        add::<pactum_domain::gaps::Severity>(&mut schemas);
        add::<pactum_store::accounts::Consent>(&mut schemas);
        add::<crate::api::organisation::Deletion>(&mut schemas);
        add::<crate::api::organisation::LegalHold>(&mut schemas);
        add::<crate::api::account_deletion::AccountExport>(&mut schemas);
        add::<pactum_domain::processor::notice::NoticeDraft>(&mut schemas);
        add::<pactum_domain::processor::notice::NoticeKind>(&mut schemas);
        add::<pactum_domain::processor::notice::ObjectionStatus>(&mut schemas);
        add::<pactum_domain::processor::audit::AuditTerms>(&mut schemas);
        add::<pactum_store::processor::notices::Notice>(&mut schemas);
        add::<pactum_store::processor::notices::Delivery>(&mut schemas);
        add::<pactum_store::processor::subscribers::Subscriber>(&mut schemas);
        add::<pactum_store::processor::objections::Objection>(&mut schemas);
        add::<pactum_store::processor::breach_notices::CustomerNotice>(&mut schemas);
        add::<crate::api::processor::Withdrawal>(&mut schemas);
        add::<crate::api::processor::ObjectionChange>(&mut schemas);
        add::<crate::processor::BreachNotices>(&mut schemas);
        add::<crate::processor::CustomerStatus>(&mut schemas);
        add::<pactum_store::sessions::Session>(&mut schemas);
        add::<pactum_store::tokens::ApiToken>(&mut schemas);
    }

    let mut paths = PathsBuilder::new();
    for c in registry().collections {
        (c.add_schemas)(&mut schemas);
        let tag = c.name;
        let mut list_params = vec![
            bounded_param("limit", "Page size, 1 to 500 (default 50).", 1, Some(500)),
            bounded_param("offset", "Records to skip.", 0, None),
            query_param("q", "Case-insensitive text filter.", Type::String),
            query_param(
                "sort",
                "Sort column; prefix with - for descending.",
                Type::String,
            ),
        ];
        for f in &c.filters {
            list_params.push(uuid_param(f, "Only records referring to this id."));
        }
        let list_path = format!("/api/v1{}", c.path);
        let item_path = format!("{list_path}/{{id}}");
        paths = paths.path(
            list_path.clone(),
            PathItemBuilder::new()
                .operation(
                    HttpMethod::Get,
                    operation(Op {
                        summary: format!("List {tag} records"),
                        tag,
                        path: &list_path,
                        body: None,
                        success: ("200", ok("A page of records.", page_of(&c.schema))),
                        extra_params: list_params,
                        public: false,
                    }),
                )
                .operation(
                    HttpMethod::Post,
                    operation(Op {
                        summary: format!("Create a {tag}"),
                        tag,
                        path: &list_path,
                        body: Some(reference(&c.schema)),
                        success: (
                            "201",
                            ok(
                                "Created; `Location` names the new record.",
                                stored(&c.schema),
                            ),
                        ),
                        extra_params: vec![],
                        public: false,
                    }),
                )
                .build(),
        );
        let one = |method: &str, summary: String, body: Option<RefOr<Schema>>| {
            let success = if method == "delete" {
                (
                    "204",
                    ResponseBuilder::new().description("Deleted.").build(),
                )
            } else {
                ("200", ok("The record.", stored(&c.schema)))
            };
            operation(Op {
                summary,
                tag,
                path: &item_path,
                body,
                success,
                extra_params: vec![],
                public: false,
            })
        };
        paths = paths.path(
            item_path.clone(),
            PathItemBuilder::new()
                .operation(HttpMethod::Get, one("get", format!("Get a {tag}"), None))
                .operation(
                    HttpMethod::Put,
                    one(
                        "put",
                        format!("Replace a {tag}"),
                        Some(reference(&c.schema)),
                    ),
                )
                .operation(
                    HttpMethod::Patch,
                    one(
                        "patch",
                        format!("Change some fields of a {tag} (JSON merge patch)"),
                        Some(
                            ObjectBuilder::new()
                                .description(Some("Fields to change; null clears a field."))
                                .into(),
                        ),
                    ),
                )
                .operation(
                    HttpMethod::Delete,
                    one("delete", format!("Delete a {tag}"), None),
                )
                .build(),
        );
    }

    let fixed = |path: &str,
                 method: HttpMethod,
                 summary: &str,
                 tag: &str,
                 body: Option<&str>,
                 success: (&str, utoipa::openapi::Response)| {
        let full = format!("/api/v1{path}");
        let op = operation(Op {
            summary: summary.to_owned(),
            tag,
            path: &full,
            body: body.map(reference),
            success: (success.0, success.1),
            extra_params: vec![],
            public: path.starts_with("/auth/") && !matches!(path, "/auth/logout" | "/auth/reauth"),
        });
        (full, method, op)
    };
    let no_content = || ResponseBuilder::new().description("Done.").build();
    let array_of =
        |name: &str| -> RefOr<Schema> { ArrayBuilder::new().items(reference(name)).into() };
    let fixed_ops = vec![
        fixed(
            "/taxonomies",
            HttpMethod::Get,
            "The taxonomies",
            "taxonomy",
            None,
            ("200", ok("All taxonomies.", reference("Taxonomy"))),
        ),
        fixed(
            "/orgs/{org}",
            HttpMethod::Get,
            "The organisation's details",
            "organisation",
            None,
            ("200", ok("The organisation.", stored("Organisation"))),
        ),
        fixed(
            "/orgs/{org}",
            HttpMethod::Put,
            "Replace the organisation's details (admin)",
            "organisation",
            Some("Organisation"),
            ("200", ok("The organisation.", stored("Organisation"))),
        ),
        fixed(
            "/orgs/{org}",
            HttpMethod::Delete,
            "Schedule the organisation's deletion: locked at once, removed with all its data when the recovery window ends (owner, browser session with a fresh sign-in; `confirm` = the slug)",
            "organisation",
            None,
            ("202", ok("The scheduled deletion.", reference("Deletion"))),
        ),
        fixed(
            "/orgs/{org}/recover",
            HttpMethod::Post,
            "Cancel the organisation's scheduled deletion (owner)",
            "organisation",
            None,
            ("204", no_content()),
        ),
        fixed(
            "/orgs/{org}/legal-hold",
            HttpMethod::Put,
            "Set or lift the legal hold: nothing of the organisation is removed by the retention batch or the purge while it is on (owner)",
            "organisation",
            Some("LegalHold"),
            ("200", ok("The hold.", reference("LegalHold"))),
        ),
        fixed(
            "/orgs/{org}/export",
            HttpMethod::Get,
            "Export everything of the organisation as one JSON document",
            "organisation",
            None,
            (
                "200",
                ok(
                    "The export document (format pactum-export, version 1).",
                    ObjectBuilder::new().into(),
                ),
            ),
        ),
        fixed(
            "/orgs/{org}/subprocessor-notices",
            HttpMethod::Get,
            "List the sub-processor change notices, newest first",
            "processor",
            None,
            ("200", ok("Notices.", array_of("Notice"))),
        ),
        fixed(
            "/orgs/{org}/subprocessor-notices",
            HttpMethod::Post,
            "Publish a sub-processor change notice (admin): the effective date must leave at least the notice period (30 days, the organisation's setting, or the longest a customer's contract asks); confirmed subscribers are mailed",
            "processor",
            Some("NoticeDraft"),
            ("201", ok("The notice.", reference("Notice"))),
        ),
        fixed(
            "/orgs/{org}/subprocessor-notices/{id}",
            HttpMethod::Get,
            "Get a notice",
            "processor",
            None,
            ("200", ok("The notice.", reference("Notice"))),
        ),
        fixed(
            "/orgs/{org}/subprocessor-notices/{id}/withdraw",
            HttpMethod::Post,
            "Withdraw a notice, with the reason (admin)",
            "processor",
            Some("Withdrawal"),
            ("200", ok("The notice.", reference("Notice"))),
        ),
        fixed(
            "/orgs/{org}/subprocessor-notices/{id}/deliveries",
            HttpMethod::Get,
            "The e-mails that carried a notice to subscribers, with their outcome",
            "processor",
            None,
            ("200", ok("Deliveries.", array_of("Delivery"))),
        ),
        fixed(
            "/orgs/{org}/subscribers",
            HttpMethod::Get,
            "List the subscribers to the notices, confirmed or not (admin)",
            "processor",
            None,
            ("200", ok("Subscribers.", array_of("Subscriber"))),
        ),
        fixed(
            "/orgs/{org}/subscribers/{id}",
            HttpMethod::Delete,
            "Remove a subscriber (admin)",
            "processor",
            None,
            ("204", no_content()),
        ),
        fixed(
            "/orgs/{org}/objections",
            HttpMethod::Get,
            "List the objections to notices, open ones first",
            "processor",
            None,
            ("200", ok("Objections.", array_of("Objection"))),
        ),
        fixed(
            "/orgs/{org}/objections/{id}",
            HttpMethod::Patch,
            "Change an objection's status and response (admin)",
            "processor",
            Some("ObjectionChange"),
            ("200", ok("The objection.", reference("Objection"))),
        ),
        fixed(
            "/orgs/{org}/breaches/{id}/customer-notices",
            HttpMethod::Get,
            "A processor's breach: the affected customers with their contract deadlines, and every notice sent",
            "processor",
            None,
            (
                "200",
                ok("Customers and notices.", reference("BreachNotices")),
            ),
        ),
        fixed(
            "/orgs/{org}/breaches/{id}/customer-notices",
            HttpMethod::Post,
            "Send each affected customer what it has not had yet: the first notice with the Art. 33(3) contents known, or the updates since",
            "processor",
            None,
            (
                "200",
                ok("Customers and notices.", reference("BreachNotices")),
            ),
        ),
        fixed(
            "/orgs/{org}/audit-requests/{id}/terms",
            HttpMethod::Get,
            "An audit request against its customer's contract: notice given and the yearly limit",
            "processor",
            None,
            ("200", ok("The check.", reference("AuditTerms"))),
        ),
        fixed(
            "/orgs/{org}/members",
            HttpMethod::Get,
            "List members",
            "member",
            None,
            ("200", ok("Members.", array_of("MemberRecord"))),
        ),
        fixed(
            "/orgs/{org}/members",
            HttpMethod::Post,
            "Add a member (admin)",
            "member",
            Some("Member"),
            ("201", ok("The member.", reference("MemberRecord"))),
        ),
        fixed(
            "/orgs/{org}/members/{id}",
            HttpMethod::Get,
            "Get a member",
            "member",
            None,
            ("200", ok("The member.", reference("MemberRecord"))),
        ),
        fixed(
            "/orgs/{org}/members/{id}",
            HttpMethod::Patch,
            "Change a member's role (admin)",
            "member",
            Some("RoleChange"),
            ("200", ok("The member.", reference("MemberRecord"))),
        ),
        fixed(
            "/orgs/{org}/members/{id}",
            HttpMethod::Delete,
            "Remove a member (admin)",
            "member",
            None,
            ("204", no_content()),
        ),
        fixed(
            "/orgs/{org}/tokens",
            HttpMethod::Get,
            "List API tokens (admin)",
            "token",
            None,
            ("200", ok("Tokens, without secrets.", array_of("ApiToken"))),
        ),
        fixed(
            "/orgs/{org}/tokens",
            HttpMethod::Post,
            "Issue an API token (admin); the secret is shown once",
            "token",
            Some("NewToken"),
            (
                "201",
                ok("The token with its secret.", reference("IssuedToken")),
            ),
        ),
        fixed(
            "/orgs/{org}/tokens/{id}",
            HttpMethod::Delete,
            "Revoke one of your API tokens",
            "token",
            None,
            ("204", no_content()),
        ),
        fixed(
            "/orgs/{org}/audit",
            HttpMethod::Get,
            "The audit log, newest first (owner, admin, auditor); `format=csv` for a file. Filters: user_id, action, entity, from, to (RFC 3339), limit, offset",
            "audit",
            None,
            ("200", ok("Events.", array_of("AuditEvent"))),
        ),
        fixed(
            "/orgs/{org}/gaps",
            HttpMethod::Get,
            "What needs attention: per gap rule (most severe first) the GDPR article, severity, number of records and the most recently changed of them. Filters: project_id, limit (records per rule, 0 to 200, default 20)",
            "gaps",
            None,
            ("200", ok("Rules with gaps.", array_of("RuleGaps"))),
        ),
        fixed(
            "/orgs/{org}/compliance",
            HttpMethod::Get,
            "The compliance assessment: a score of 0 to 100 with the points each check lost, every finding (check, GDPR article, severity, record and field to fix), and the organisation's score per recorded day. Filter: project_id (one project's data map and assessments). The organisation's assessment is kept as the day's score",
            "compliance",
            None,
            ("200", ok("The assessment.", reference("ComplianceReport"))),
        ),
        fixed(
            "/auth/form",
            HttpMethod::Get,
            "A public form's anti-bot ticket: signed start time and proof-of-work puzzle",
            "account",
            None,
            ("200", ok("The ticket.", reference("FormTicket"))),
        ),
        fixed(
            "/auth/register",
            HttpMethod::Post,
            "Create an account and its first organisation; signs in",
            "account",
            Some("Registration"),
            (
                "201",
                ok(
                    "Signed in; session and CSRF cookies are set.",
                    reference("SignedIn"),
                ),
            ),
        ),
        fixed(
            "/auth/login",
            HttpMethod::Post,
            "Sign in (browser session)",
            "account",
            Some("Login"),
            (
                "200",
                ok(
                    "Signed in; session and CSRF cookies are set.",
                    reference("SignedIn"),
                ),
            ),
        ),
        fixed(
            "/auth/logout",
            HttpMethod::Post,
            "End this session",
            "account",
            None,
            ("204", no_content()),
        ),
        fixed(
            "/auth/reauth",
            HttpMethod::Post,
            "Prove it is you again before a sensitive action",
            "account",
            Some("Reauth"),
            ("204", no_content()),
        ),
        fixed(
            "/auth/token",
            HttpMethod::Post,
            "Access and refresh tokens for an API client acting as a person",
            "account",
            Some("Grant"),
            ("200", ok("The pair.", reference("TokenPair"))),
        ),
        fixed(
            "/auth/revoke",
            HttpMethod::Post,
            "Sign an API client out (revokes the refresh token's family)",
            "account",
            Some("Revocation"),
            ("204", no_content()),
        ),
        fixed(
            "/auth/verify-email",
            HttpMethod::Post,
            "Confirm an e-mail address with the mailed token",
            "account",
            Some("TokenBody"),
            ("204", no_content()),
        ),
        fixed(
            "/auth/confirm-email",
            HttpMethod::Post,
            "Confirm a change of e-mail address with the mailed token",
            "account",
            Some("TokenBody"),
            ("204", no_content()),
        ),
        fixed(
            "/auth/password/forgot",
            HttpMethod::Post,
            "Mail a password-reset link (same answer whether or not the address is known)",
            "account",
            Some("Forgot"),
            ("202", no_content()),
        ),
        fixed(
            "/auth/password/reset",
            HttpMethod::Post,
            "Set a new password with the mailed token (and the 2FA code when on)",
            "account",
            Some("Reset"),
            ("204", no_content()),
        ),
        fixed(
            "/me",
            HttpMethod::Get,
            "Your account and organisations",
            "me",
            None,
            ("200", ok("You.", reference("Me"))),
        ),
        fixed(
            "/me",
            HttpMethod::Patch,
            "Change username, display name or language",
            "me",
            Some("ProfileChange"),
            ("200", ok("You.", reference("User"))),
        ),
        fixed(
            "/me",
            HttpMethod::Delete,
            "Schedule your account's deletion: signed out and locked at once, removed when the recovery window ends; sign in with `recover` to keep it (browser session with a fresh sign-in; `confirm` = your e-mail address)",
            "me",
            None,
            ("202", ok("The scheduled deletion.", reference("Deletion"))),
        ),
        fixed(
            "/me/export",
            HttpMethod::Get,
            "Everything Pactum keeps about your account, as JSON (in a browser session, within ten minutes of a proof of identity)",
            "me",
            None,
            ("200", ok("The account export.", reference("AccountExport"))),
        ),
        fixed(
            "/me/orgs",
            HttpMethod::Get,
            "Your organisations and roles",
            "me",
            None,
            ("200", ok("Memberships.", array_of("Membership"))),
        ),
        fixed(
            "/me/password",
            HttpMethod::Post,
            "Change your password (signs out your other sessions)",
            "me",
            Some("PasswordChange"),
            ("204", no_content()),
        ),
        fixed(
            "/me/email",
            HttpMethod::Post,
            "Change your e-mail address (confirmed from the new address)",
            "me",
            Some("EmailChange"),
            ("202", no_content()),
        ),
        fixed(
            "/me/verification",
            HttpMethod::Post,
            "Mail a new address-verification link",
            "me",
            None,
            ("202", no_content()),
        ),
        fixed(
            "/me/sessions",
            HttpMethod::Get,
            "Your live sessions",
            "me",
            None,
            ("200", ok("Sessions.", array_of("SessionView"))),
        ),
        fixed(
            "/me/sessions/{id}",
            HttpMethod::Delete,
            "End one of your sessions",
            "me",
            None,
            ("204", no_content()),
        ),
        fixed(
            "/me/two-factor",
            HttpMethod::Post,
            "Start two-factor enrolment: a secret and its QR code (needs a fresh sign-in)",
            "me",
            None,
            ("200", ok("The enrolment.", reference("Enrolment"))),
        ),
        fixed(
            "/me/two-factor/confirm",
            HttpMethod::Post,
            "Turn two-factor authentication on with a code; returns ten backup codes once",
            "me",
            Some("CodeBody"),
            ("200", ok("Backup codes.", reference("BackupCodes"))),
        ),
        fixed(
            "/me/two-factor/disable",
            HttpMethod::Post,
            "Turn two-factor authentication off with a fresh code",
            "me",
            Some("CodeBody"),
            ("204", no_content()),
        ),
        fixed(
            "/me/backup-codes",
            HttpMethod::Post,
            "Replace your backup codes (needs a fresh code)",
            "me",
            Some("CodeBody"),
            ("200", ok("Backup codes.", reference("BackupCodes"))),
        ),
    ];
    let mut fixed_ops = fixed_ops;
    fixed_ops.push(documents_operation());
    fixed_ops.extend(import_operations());
    fixed_ops.push(fixed(
        "/orgs/{org}/projects/{project}/fides",
        HttpMethod::Get,
        "The project's data map as fideslang YAML: a system per service (its processing activities as privacy declarations) and a dataset per service with data items",
        "fides",
        None,
        (
            "200",
            ResponseBuilder::new()
                .description("fideslang YAML (application/yaml).")
                .build(),
        ),
    ));
    let mut fides_import = fixed(
        "/orgs/{org}/projects/{project}/fides",
        HttpMethod::Post,
        "Import fideslang system and dataset YAML (`{\"content\": \"<yaml>\"}`) as services, data items and processing activities: all or none; what cannot be mapped is named by its YAML path",
        "fides",
        None,
        (
            "201",
            ok(
                "How many services, data items and processing activities were created.",
                RefOr::T(Schema::Object(
                    ObjectBuilder::new().schema_type(Type::Object).build(),
                )),
            ),
        ),
    );
    fides_import.2.request_body = Some(
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content(
                "application/json",
                json_content(RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .property("content", ObjectBuilder::new().schema_type(Type::String))
                        .required("content")
                        .build(),
                ))),
            )
            .build(),
    );
    fides_import.2.responses.responses.insert(
        "422".into(),
        RefOr::T(problem("The YAML names what Pactum cannot map, or a service exists already; `errors` names each by its path.")),
    );
    fixed_ops.push(fides_import);
    let reports_path = "/orgs/{org}/projects/{project}/ai-reports";
    fixed_ops.push(fixed(
        reports_path,
        HttpMethod::Get,
        "A project's AI reports, newest first, each with the exact payload that was sent",
        "ai-reports",
        None,
        ("200", ok("The reports.", array_of("AiReport"))),
    ));
    let mut make = fixed(
        reports_path,
        HttpMethod::Post,
        "Make an AI report of the project: the data map anonymised (project name, data users, registers as counts, PII redacted), sent to the configured provider (offline by default), stored with its payload",
        "ai-reports",
        None,
        ("201", ok("The report.", reference("AiReport"))),
    );
    make.2.responses.responses.insert(
        "503".into(),
        RefOr::T(problem("The AI provider could not be reached, refused the request or is not in the egress allowlist; nothing was stored.")),
    );
    fixed_ops.push(make);
    fixed_ops.push(fixed(
        &format!("{reports_path}/{{id}}"),
        HttpMethod::Get,
        "One AI report with its payload",
        "ai-reports",
        None,
        ("200", ok("The report.", reference("AiReport"))),
    ));
    for owner in ["services", "vendors"] {
        let base = format!("/orgs/{{org}}/projects/{{project}}/{owner}/{{id}}/files");
        let one = owner.trim_end_matches('s');
        fixed_ops.push(fixed(
            &base,
            HttpMethod::Get,
            &format!("The files of a {one}, newest first"),
            "files",
            None,
            ("200", ok("The files.", array_of("StoredFile"))),
        ));
        let mut upload = fixed(
            &base,
            HttpMethod::Post,
            &format!(
                "Upload a file to a {one}: type checked by its bytes (PDF, DOCX, XLSX, ODT, PNG, JPEG, text, Markdown), scanned for viruses before anything is stored, kept encrypted"
            ),
            "files",
            None,
            ("201", ok("The stored file.", reference("StoredFile"))),
        );
        let string = || ObjectBuilder::new().schema_type(Type::String);
        upload.2.request_body = Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "multipart/form-data",
                    json_content(RefOr::T(Schema::Object(
                        ObjectBuilder::new()
                            .property(
                                "kind",
                                string().enum_values(Some(["dpa", "sla", "contract", "other"])),
                            )
                            .property(
                                "file",
                                string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                                    utoipa::openapi::KnownFormat::Binary,
                                ))),
                            )
                            .required("file")
                            .build(),
                    ))),
                )
                .build(),
        );
        for (code, text) in [
            ("400", "The body is not a multipart form."),
            (
                "422",
                "The file is empty, too large, of a type not accepted, or infected; `errors` names the rule (file.type, file.size, file.infected, file.scan).",
            ),
            (
                "503",
                "The virus scanner cannot be reached: nothing is accepted unscanned.",
            ),
        ] {
            upload
                .2
                .responses
                .responses
                .insert(code.into(), RefOr::T(problem(text)));
        }
        fixed_ops.push(upload);
        fixed_ops.push(fixed(
            &format!("{base}/{{file}}"),
            HttpMethod::Get,
            "One file's details",
            "files",
            None,
            ("200", ok("The file.", reference("StoredFile"))),
        ));
        fixed_ops.push(fixed(
            &format!("{base}/{{file}}"),
            HttpMethod::Delete,
            "Delete a file",
            "files",
            None,
            ("204", no_content()),
        ));
        fixed_ops.push(fixed(
            &format!("{base}/{{file}}/content"),
            HttpMethod::Get,
            "Download a file: always as an attachment, with the type found in its bytes",
            "files",
            None,
            (
                "200",
                ResponseBuilder::new()
                    .description("The file's bytes.")
                    .build(),
            ),
        ));
    }
    let mut grouped: Vec<(String, PathItemBuilder)> = Vec::new();
    for (path, method, op) in fixed_ops {
        match grouped.iter_mut().find(|(p, _)| *p == path) {
            Some((_, item)) => *item = std::mem::take(item).operation(method, op),
            None => grouped.push((path, PathItemBuilder::new().operation(method, op))),
        }
    }
    for (path, item) in grouped {
        paths = paths.path(path, item.build());
    }
    let health = |summary: &str| {
        PathItemBuilder::new()
            .operation(
                HttpMethod::Get,
                OperationBuilder::new()
                    .summary(Some(summary))
                    .tag("health")
                    .response("200", ResponseBuilder::new().description("OK."))
                    .build(),
            )
            .build()
    };
    paths = paths
        .path("/healthz", health("The process is up"))
        .path("/readyz", health("The database answers"));

    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.dedup_by(|a, b| a.0 == b.0);
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token (pct_..., one organisation, scope read, write or admin) or an access token from /api/v1/auth/token (pat_...)."))
                    .build(),
            ),
        )
        .security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "__Host-pactum_session",
                    "The browser session; state-changing requests also need the X-CSRF-Token header.",
                ),
            )),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Pactum API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("The JSON API of Pactum, a self-hostable GDPR compliance workspace. Errors are RFC 9457 problem details."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(document()).unwrap_or(Value::Null);
    close_stored(&mut doc);
    complete_statuses(&mut doc);
    doc
});

/// The answers every operation of a kind can give, added where an operation's own entry
/// does not list them (checked against the running server by schemathesis): a change can
/// clash with a record that exists (409) or break a rule (422); a body can be malformed
/// (400), too large (413) or not JSON (415); a processor-only case of a controller's breach
/// is 422; the sign-in routes answer wrong credentials with 401.
fn complete_statuses(doc: &mut Value) {
    let problem = |text: &str| {
        serde_json::json!({
            "description": text,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let signed_in = op.get("security").is_some();
            let has_body = op.get("requestBody").is_some();
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut add = |code: &str, text: &str| {
                if !responses.contains_key(code) {
                    responses.insert(code.to_owned(), problem(text));
                }
            };
            if has_body {
                add("400", "The body is not JSON.");
                add("413", "The body is too large.");
                add("415", "The body is not sent as JSON.");
                add(
                    "422",
                    "A field breaks a rule; `errors` names each field and rule.",
                );
            }
            if signed_in && method != "get" {
                add(
                    "409",
                    "The change clashes with a record that exists or with the record's state.",
                );
                add(
                    "422",
                    "A field breaks a rule; `errors` names each field and rule.",
                );
            }
            if path.ends_with("/customer-notices") {
                add(
                    "422",
                    "The breach is the organisation's own as controller (rule processor_only).",
                );
            }
            if path == "/api/v1/auth/login" || path == "/api/v1/auth/token" {
                add("401", "The credentials or the refresh token are wrong.");
            }
        }
    }
}

/// A stored record is its entity's fields plus `RecordMeta`'s. The entity schemas refuse
/// unknown fields (as the API does), so `allOf: [RecordMeta, Entity]` would refuse every
/// answer: each such pair becomes one schema `<Entity>Stored` holding both sets of fields,
/// still closed to anything else.
fn close_stored(doc: &mut Value) {
    fn pair(v: &Value) -> Option<String> {
        let all = v.get("allOf")?.as_array()?;
        let [meta, entity] = all.as_slice() else {
            return None;
        };
        (meta.get("$ref")?.as_str()? == "#/components/schemas/RecordMeta").then_some(())?;
        let name = entity.get("$ref")?.as_str()?;
        name.strip_prefix("#/components/schemas/")
            .map(str::to_owned)
    }
    fn rewrite(v: &mut Value, found: &mut std::collections::BTreeSet<String>, known: &Value) {
        if let Some(name) = pair(v)
            && known
                .get(&name)
                .is_some_and(|s| s.get("properties").is_some())
        {
            *v = serde_json::json!({"$ref": format!("#/components/schemas/{name}Stored")});
            found.insert(name);
            return;
        }
        match v {
            Value::Object(map) => map.values_mut().for_each(|c| rewrite(c, found, known)),
            Value::Array(items) => items.iter_mut().for_each(|c| rewrite(c, found, known)),
            _ => {}
        }
    }
    let Some(schemas) = doc.pointer("/components/schemas").cloned() else {
        return;
    };
    let mut found = std::collections::BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths") {
        rewrite(paths, &mut found, &schemas);
    }
    let meta = &schemas["RecordMeta"];
    let Some(out) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in found {
        let mut merged = schemas[&name].clone();
        if let (Some(props), Some(meta_props)) = (
            merged.get_mut("properties").and_then(Value::as_object_mut),
            meta.get("properties").and_then(Value::as_object),
        ) {
            for (k, v) in meta_props {
                props.insert(k.clone(), v.clone());
            }
        }
        let mut required: Vec<Value> = merged
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for r in meta["required"].as_array().into_iter().flatten() {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
        merged["required"] = Value::Array(required);
        out.insert(format!("{name}Stored"), merged);
    }
}

pub async fn serve() -> Json<&'static Value> {
    Json(&DOCUMENT)
}
