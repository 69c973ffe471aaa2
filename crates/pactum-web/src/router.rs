//! Every route, in one place. The data-map collections are registered through
//! [`Registry`], which also feeds the OpenAPI document, so the two cannot drift apart.

use axum::Router;
use axum::routing::{delete, get, patch, post, put};
use pactum_domain::assessments::dpia::Dpia;
use pactum_domain::assessments::risk::RiskAssessment;
use pactum_domain::datamap::backup_strategy::BackupStrategy;
use pactum_domain::datamap::data_item::DataItem;
use pactum_domain::datamap::data_user::DataUser;
use pactum_domain::datamap::device_group::DeviceGroup;
use pactum_domain::datamap::processing_activity::ProcessingActivity;
use pactum_domain::datamap::security_measure::SecurityMeasure;
use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::Transfer;
use pactum_domain::datamap::vendor::Vendor;
use pactum_domain::processor::audit::AuditRequest;
use pactum_domain::processor::customer::Customer;
use pactum_domain::project::Project;
use pactum_domain::registers::breach::Breach;
use pactum_domain::registers::request::DataSubjectRequest;
use pactum_store::schema::{ScopeKind, Stored};

use crate::access::{self, Collections};
use crate::api::{
    account, account_deletion, ai_reports, audit, compliance, documents, export, fides, files,
    gaps, grant, health, imports, members, organisation, processor, records, taxonomies, tokens,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::{middleware, openapi, ui};

/// A collection as the API and its documentation see it.
#[derive(Debug, Clone)]
pub struct Collection {
    /// The path of the list, relative to `/api/v1`.
    pub path: String,
    pub name: &'static str,
    pub schema: String,
    pub filters: Vec<&'static str>,
    pub add_schemas: fn(
        &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ),
}

/// Collects the collection routes and their descriptions.
pub struct Registry {
    pub router: Router<AppState>,
    pub collections: Vec<Collection>,
}

fn add_schemas<E: Stored>(
    out: &mut Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
) {
    out.push((E::name().into_owned(), E::schema()));
    E::schemas(out);
}

impl Registry {
    fn add<E: Stored>(mut self) -> Self {
        let segment = E::COLLECTION.replace('_', "-");
        let path = match E::TABLE.scope {
            ScopeKind::Org => format!("/orgs/{{org}}/{segment}"),
            ScopeKind::Project => format!("/orgs/{{org}}/projects/{{project}}/{segment}"),
        };
        self.router = self
            .router
            .route(&path, get(records::list::<E>).post(records::create::<E>))
            .route(
                &format!("{path}/{{id}}"),
                get(records::get::<E>)
                    .put(records::replace::<E>)
                    .patch(records::patch::<E>)
                    .delete(records::delete::<E>),
            );
        self.collections.push(Collection {
            path,
            name: E::NAME,
            schema: E::name().into_owned(),
            filters: E::TABLE.reference_columns().map(|c| c.name).collect(),
            add_schemas: add_schemas::<E>,
        });
        self
    }
}

/// The data-map collections, in the order the documentation lists them.
pub fn registry() -> Registry {
    Registry {
        router: Router::new(),
        collections: Vec::new(),
    }
    .add::<Project>()
    .add::<Service>()
    .add::<DataItem>()
    .add::<DataUser>()
    .add::<Transfer>()
    .add::<DeviceGroup>()
    .add::<BackupStrategy>()
    .add::<ProcessingActivity>()
    .add::<SecurityMeasure>()
    .add::<Vendor>()
    .add::<RiskAssessment>()
    .add::<Dpia>()
    .add::<Breach>()
    .add::<DataSubjectRequest>()
    .add::<Customer>()
    .add::<AuditRequest>()
}

async fn not_found() -> ApiError {
    ApiError::NotFound("Resource".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let registry = registry();
    let collections = Collections(std::sync::Arc::new(
        registry
            .collections
            .iter()
            .map(|c| format!("/api/v1{}", c.path))
            .collect(),
    ));
    // Uploads stream through the scanner and into storage, so their routes take bodies up
    // to the upload limit rather than the general one.
    let upload_limit = axum::extract::DefaultBodyLimit::max(state.settings.files.body_limit());
    let api = registry
        .router
        .route("/taxonomies", get(taxonomies::get))
        .route(
            "/orgs/{org}",
            get(organisation::get)
                .put(organisation::replace)
                .delete(organisation::delete),
        )
        .route("/orgs/{org}/export", get(export::export))
        .route("/orgs/{org}/recover", post(organisation::recover))
        .route("/orgs/{org}/legal-hold", put(organisation::legal_hold))
        .route("/orgs/{org}/members", get(members::list).post(members::add))
        .route(
            "/orgs/{org}/members/{id}",
            get(members::get)
                .patch(members::set_role)
                .delete(members::remove),
        )
        .route("/orgs/{org}/tokens", get(tokens::list).post(tokens::create))
        .route("/orgs/{org}/tokens/{id}", delete(tokens::revoke))
        .route("/orgs/{org}/audit", get(audit::list))
        .route(
            "/orgs/{org}/subprocessor-notices",
            get(processor::list_notices).post(processor::publish),
        )
        .route(
            "/orgs/{org}/subprocessor-notices/{id}",
            get(processor::get_notice),
        )
        .route(
            "/orgs/{org}/subprocessor-notices/{id}/withdraw",
            post(processor::withdraw),
        )
        .route(
            "/orgs/{org}/subprocessor-notices/{id}/deliveries",
            get(processor::deliveries),
        )
        .route("/orgs/{org}/subscribers", get(processor::list_subscribers))
        .route(
            "/orgs/{org}/subscribers/{id}",
            delete(processor::remove_subscriber),
        )
        .route("/orgs/{org}/objections", get(processor::list_objections))
        .route(
            "/orgs/{org}/objections/{id}",
            patch(processor::change_objection),
        )
        .route(
            "/orgs/{org}/breaches/{id}/customer-notices",
            get(processor::breach_notices).post(processor::send_breach_notices),
        )
        .route(
            "/orgs/{org}/audit-requests/{id}/terms",
            get(processor::terms),
        )
        .route("/orgs/{org}/gaps", get(gaps::list))
        .route("/orgs/{org}/compliance", get(compliance::show))
        .route("/orgs/{org}/documents/{kind}", get(documents::download))
        .route(
            "/orgs/{org}/projects/{project}/imports/{collection}/preview",
            post(imports::preview),
        )
        .route(
            "/orgs/{org}/projects/{project}/imports/{collection}",
            post(imports::commit),
        )
        .route(
            "/orgs/{org}/projects/{project}/fides",
            get(fides::export).post(fides::import),
        )
        .route(
            "/orgs/{org}/projects/{project}/ai-reports",
            get(ai_reports::list).post(ai_reports::create),
        )
        .route(
            "/orgs/{org}/projects/{project}/ai-reports/{id}",
            get(ai_reports::get),
        )
        .route(
            "/orgs/{org}/projects/{project}/services/{id}/files",
            get(files::list).post(files::upload).layer(upload_limit),
        )
        .route(
            "/orgs/{org}/projects/{project}/vendors/{id}/files",
            get(files::list).post(files::upload).layer(upload_limit),
        )
        .route(
            "/orgs/{org}/projects/{project}/services/{id}/files/{file}",
            get(files::get).delete(files::delete),
        )
        .route(
            "/orgs/{org}/projects/{project}/vendors/{id}/files/{file}",
            get(files::get).delete(files::delete),
        )
        .route(
            "/orgs/{org}/projects/{project}/services/{id}/files/{file}/content",
            get(files::content),
        )
        .route(
            "/orgs/{org}/projects/{project}/vendors/{id}/files/{file}/content",
            get(files::content),
        )
        .route("/auth/form", get(account::form))
        .route("/auth/register", post(account::register))
        .route("/auth/login", post(account::login))
        .route("/auth/logout", post(account::logout))
        .route("/auth/reauth", post(account::reauth))
        .route("/auth/token", post(grant::token))
        .route("/auth/revoke", post(grant::revoke))
        .route("/auth/verify-email", post(account::verify_email))
        .route("/auth/confirm-email", post(account::confirm_email))
        .route("/auth/password/forgot", post(account::forgot_password))
        .route("/auth/password/reset", post(account::reset_password))
        .route("/me/email", post(account::change_email))
        .route("/me/verification", post(account::resend_verification))
        .route(
            "/me",
            get(account::me)
                .patch(account::update_me)
                .delete(account_deletion::delete),
        )
        .route("/me/export", get(account_deletion::export))
        .route("/me/orgs", get(account::my_orgs))
        .route("/me/password", post(account::change_password))
        .route("/me/sessions", get(account::my_sessions))
        .route("/me/sessions/{id}", delete(account::end_session))
        .route("/me/two-factor", post(account::start_two_factor))
        .route("/me/two-factor/confirm", post(account::confirm_two_factor))
        .route("/me/two-factor/disable", post(account::disable_two_factor))
        .route("/me/backup-codes", post(account::renew_backup_codes));
    let app = Router::new()
        .route("/", get(ui::pages::home))
        .route(
            "/login",
            get(ui::pages::login_form).post(ui::pages::login_submit),
        )
        .route("/logout", post(ui::pages::logout))
        .route(
            "/account/verify-email",
            get(ui::links::verify_form).post(ui::links::verify_submit),
        )
        .route(
            "/account/confirm-email",
            get(ui::links::change_form).post(ui::links::change_submit),
        )
        .route(
            "/account/reset-password",
            get(ui::links::reset_form).post(ui::links::reset_submit),
        )
        .route(
            "/password/forgot",
            get(ui::forgot::form).post(ui::forgot::submit),
        )
        .route("/account", get(ui::account::show))
        .route(
            "/account/deletion",
            get(ui::deletion::account_show).post(ui::deletion::account_schedule),
        )
        .route(
            "/orgs/{org}/deletion",
            get(ui::deletion::org_show).post(ui::deletion::org_schedule),
        )
        .route(
            "/orgs/{org}/deletion/recover",
            post(ui::deletion::org_recover),
        )
        .route("/orgs/{org}/legal-hold", post(ui::deletion::org_hold))
        .route("/account/profile", post(ui::account::save_profile))
        .route("/account/password", post(ui::account::change_password))
        .route("/account/email", post(ui::account::change_email))
        .route(
            "/account/reauth",
            get(ui::account::reauth_form).post(ui::account::reauth_submit),
        )
        .route(
            "/account/two-factor",
            get(ui::account::enrol_form).post(ui::account::enrol_submit),
        )
        .route("/account/two-factor/disable", post(ui::account::disable))
        .route("/account/sessions/{id}/end", post(ui::account::end_session))
        .route(
            "/account/calendar",
            get(ui::calendar::show).post(ui::calendar::create),
        )
        .route("/account/calendar/revoke", post(ui::calendar::revoke))
        .route("/calendar/{file}", get(ui::calendar::feed))
        .route(
            "/intake/{org_slug}",
            get(ui::intake::form).post(ui::intake::submit),
        )
        .route("/trust/{org_slug}", get(ui::trust::show))
        .route("/trust/{org_slug}/subscribe", post(ui::trust::subscribe))
        .route(
            "/trust/{org_slug}/confirm/{token}",
            get(ui::trust::confirm_page).post(ui::trust::confirm),
        )
        .route(
            "/trust/{org_slug}/unsubscribe/{token}",
            get(ui::trust::unsubscribe_page).post(ui::trust::unsubscribe),
        )
        .route("/trust/{org_slug}/notices.atom", get(ui::trust::feed))
        .route(
            "/trust/{org_slug}/notices/{id}/objection",
            get(ui::trust::objection_form).post(ui::trust::object),
        )
        .route("/trust/{org_slug}/dpa", get(ui::trust::dpa))
        .route("/orgs/{org}/processor", get(ui::processor::show))
        .route(
            "/orgs/{org}/processor/settings",
            post(ui::processor::settings),
        )
        .route(
            "/orgs/{org}/processor/notices/new",
            get(ui::processor::new_form),
        )
        .route(
            "/orgs/{org}/processor/notices",
            post(ui::processor::publish),
        )
        .route(
            "/orgs/{org}/processor/notices/{id}",
            get(ui::processor::notice),
        )
        .route(
            "/orgs/{org}/processor/notices/{id}/withdraw",
            post(ui::processor::withdraw),
        )
        .route(
            "/orgs/{org}/processor/objections/{id}",
            post(ui::processor::objection),
        )
        .route(
            "/orgs/{org}/processor/subscribers/{id}/delete",
            post(ui::processor::remove_subscriber),
        )
        .route(
            "/orgs/{org}/breaches/{id}/customer-notices",
            get(ui::processor::breach_notices).post(ui::processor::send_breach_notices),
        )
        .route("/notifications", get(ui::notifications::show))
        .route("/notifications/read", post(ui::notifications::mark_read))
        .route(
            "/register",
            get(ui::register::form).post(ui::register::submit),
        )
        .route("/orgs/{org}", get(ui::pages::dashboard))
        .route("/orgs/{org}/audit", get(ui::audit::show))
        .route(
            "/orgs/{org}/settings",
            get(ui::settings::show).post(ui::settings::save),
        )
        .route("/orgs/{org}/members", post(ui::settings::add_member))
        .route("/orgs/{org}/compliance", get(ui::compliance::show))
        .route(
            "/orgs/{org}/projects/{project}/import",
            get(ui::import::form).post(ui::import::submit),
        )
        .route("/orgs/{org}/documents", get(ui::documents::list))
        .route("/orgs/{org}/documents/{kind}", get(ui::documents::download))
        .route(
            "/orgs/{org}/tokens",
            get(ui::tokens::show).post(ui::tokens::create),
        )
        .route(
            "/orgs/{org}/tokens/{id}/revoke",
            get(ui::tokens::revoke_confirm).post(ui::tokens::revoke),
        )
        .route(
            "/orgs/{org}/members/{id}/role",
            post(ui::settings::change_role),
        )
        .route(
            "/orgs/{org}/members/{id}/remove",
            get(ui::settings::remove_confirm).post(ui::settings::remove),
        )
        .route(
            "/orgs/{org}/projects",
            get(ui::projects::list).post(ui::projects::create),
        )
        .route("/orgs/{org}/projects/new", get(ui::projects::new_form))
        .route("/orgs/{org}/projects/{project}", get(ui::projects::show))
        .route(
            "/orgs/{org}/projects/{project}/{collection}",
            get(ui::projects::records_list).post(ui::record::create),
        )
        .route(
            "/orgs/{org}/projects/{project}/{collection}/new",
            get(ui::record::new_form),
        )
        .route(
            "/orgs/{org}/projects/{project}/{collection}/{id}",
            get(ui::record::show).post(ui::record::update),
        )
        .route(
            "/orgs/{org}/projects/{project}/{collection}/{id}/delete",
            get(ui::record::confirm_delete).post(ui::record::delete),
        )
        .route(
            "/orgs/{org}/projects/{project}/ai-reports",
            get(ui::ai_reports::list).post(ui::ai_reports::create),
        )
        .route(
            "/orgs/{org}/projects/{project}/ai-reports/{id}",
            get(ui::ai_reports::show),
        )
        .route(
            "/orgs/{org}/projects/{project}/{collection}/{id}/files",
            post(ui::files::upload).layer(axum::extract::DefaultBodyLimit::max(
                state.settings.files.body_limit(),
            )),
        )
        .route(
            "/orgs/{org}/projects/{project}/{collection}/{id}/files/{file}",
            get(ui::files::download),
        )
        .route(
            "/orgs/{org}/projects/{project}/{collection}/{id}/files/{file}/delete",
            get(ui::files::confirm_delete).post(ui::files::delete),
        )
        .route(
            "/orgs/{org}/{collection}",
            get(ui::registers::list).post(ui::record::create),
        )
        .route("/orgs/{org}/{collection}/new", get(ui::record::new_form))
        .route(
            "/orgs/{org}/{collection}/documentation",
            get(ui::documentation::register),
        )
        .route(
            "/orgs/{org}/{collection}/{id}/documentation",
            get(ui::documentation::record),
        )
        .route(
            "/orgs/{org}/{collection}/{id}",
            get(ui::record::show).post(ui::record::update),
        )
        .route(
            "/orgs/{org}/{collection}/{id}/delete",
            get(ui::record::confirm_delete).post(ui::record::delete),
        )
        .route("/static/{file}", get(ui::assets::serve))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::serve))
        .route("/api/openapi.json", get(openapi::serve))
        .nest("/api/v1", api)
        // Runs after routing, for matched routes only: the fallbacks below need no rule.
        .route_layer(axum::middleware::from_fn_with_state(
            (state.clone(), collections),
            access::enforce,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    middleware::apply(app, &state.settings, state.metrics.clone()).with_state(state)
}
