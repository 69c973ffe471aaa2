//! One's reminders in the application: the deadlines that reached a reminder's moment,
//! newest first, in the organisations one still belongs to.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pactum_store::notifications;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::pages::{Chrome, csrf_of, error_page, language_of, render};

pub struct NotificationView {
    pub href: String,
    pub name: String,
    pub org: String,
    pub due: String,
    pub lead: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    items: Vec<NotificationView>,
    unread: usize,
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap, who: Principal) -> Response {
    let result = async {
        let t = language_of(&state, &headers, Some(who.user_id)).await;
        let list = notifications::list(&state.store, who.user_id, 100).await?;
        let memberships = pactum_store::accounts::memberships(&state.store, who.user_id).await?;
        let zone_of = |org: uuid::Uuid| {
            memberships
                .iter()
                .find(|m| m.org_id == org)
                .map_or("UTC", |m| m.timezone.as_str())
                .to_owned()
        };
        let items: Vec<NotificationView> = list
            .into_iter()
            .map(|n| {
                let zone = zone_of(n.org_id);
                let lead = time::Duration::minutes(n.lead_minutes);
                NotificationView {
                    href: format!(
                        "/orgs/{}/{}/{}",
                        n.org_slug,
                        n.register.collection(),
                        n.record_id
                    ),
                    name: crate::ui::registers::deadline_name(t, n.register, &n.label, None),
                    org: memberships
                        .iter()
                        .find(|m| m.org_id == n.org_id)
                        .map(|m| m.legal_name.clone())
                        .unwrap_or_default(),
                    due: crate::ui::registers::due_text(t, &zone, n.register, n.due_at),
                    lead: crate::ui::registers::amount(t, lead),
                    when: crate::ui::format::date_time_in(t.0, &zone, n.created_at),
                    unread: !n.read,
                }
            })
            .collect();
        let unread = items.iter().filter(|i| i.unread).count();
        Ok::<_, ApiError>(render(
            StatusCode::OK,
            &NotificationsPage {
                chrome: Chrome::new(t, "notifications.title", true, csrf_of(&headers)),
                items,
                unread,
            },
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(&headers, &e))
}

pub async fn mark_read(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: Principal,
) -> Response {
    match notifications::mark_all_read(&state.store, who.user_id, state.clock.now()).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => error_page(&headers, &e.into()),
    }
}
