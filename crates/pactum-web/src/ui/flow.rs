//! The data-flow diagram of a project: services on the left, the recipients of their
//! transfers on the right, one arrow per transfer. Transfers to a third country are drawn
//! dashed and labelled with the country and mechanism; one without a mechanism is drawn in
//! the warning colour. Laid out here, drawn as SVG by the template; every box and arrow
//! links to its record.

use std::collections::BTreeMap;

use pactum_domain::datamap::service::Service;
use pactum_domain::datamap::transfer::{Transfer, needs_mechanism};
use pactum_domain::taxonomy::taxonomy;
use pactum_store::records::Record;

use crate::ui::i18n::T;

const BOX_W: i64 = 220;
const BOX_H: i64 = 40;
const ROW: i64 = 56;
const LEFT_X: i64 = 8;
const RIGHT_X: i64 = 452;
pub const WIDTH: i64 = RIGHT_X + BOX_W + 8;
/// Services or recipients beyond this are left out of the picture (and said so).
pub const MAX_NODES: usize = 60;

pub struct Node {
    pub x: i64,
    pub y: i64,
    pub text_x: i64,
    pub text_y: i64,
    pub label: String,
    pub sub: String,
    pub href: String,
    pub class: &'static str,
}

pub struct Edge {
    /// The SVG path of the arrow.
    pub d: String,
    pub label: String,
    pub label_x: i64,
    pub label_y: i64,
    pub href: String,
    pub class: &'static str,
    /// What a screen reader says for the link.
    pub title: String,
}

pub struct Flow {
    pub width: i64,
    pub height: i64,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub left_out: usize,
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

fn country_name(t: T, code: &str) -> String {
    taxonomy()
        .country(code)
        .map(|c| match t.0 {
            pactum_domain::organisation::Language::En => c.en.clone(),
            pactum_domain::organisation::Language::Nl => c.nl.clone(),
        })
        .unwrap_or_else(|| code.to_owned())
}

/// Lays out a project's services and transfers; `base` is the project's page.
pub fn layout(
    t: T,
    base: &str,
    services: &[Record<Service>],
    more_services: usize,
    transfers: &[Record<Transfer>],
) -> Flow {
    // Services beyond the ones passed in (a caller may load only the first MAX_NODES).
    let mut left_out = more_services;
    let mut nodes = Vec::new();
    let mut service_y = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        if i >= MAX_NODES {
            left_out += 1;
            continue;
        }
        let y = 8 + i as i64 * ROW;
        service_y.insert(s.id, y);
        nodes.push(Node {
            x: LEFT_X,
            y,
            text_x: LEFT_X + 10,
            text_y: y + 17,
            label: shorten(&s.data.name, 28),
            sub: s
                .data
                .hosting_country
                .as_deref()
                .map(|c| country_name(t, c))
                .unwrap_or_default(),
            href: format!("{base}/services/{}", s.id),
            class: "flow-node flow-node--service",
        });
    }
    // One box per recipient and country, in order of first appearance.
    let mut recipients: Vec<(String, String)> = Vec::new();
    for tr in transfers {
        let key = (tr.data.recipient.clone(), tr.data.country.clone());
        if !recipients.contains(&key) {
            recipients.push(key);
        }
    }
    let mut recipient_y = BTreeMap::new();
    for (i, (name, country)) in recipients.iter().enumerate() {
        if i >= MAX_NODES {
            left_out += 1;
            continue;
        }
        let y = 8 + i as i64 * ROW;
        recipient_y.insert((name.clone(), country.clone()), y);
        let third = taxonomy()
            .country(country)
            .is_some_and(|c| c.is_third_country());
        let first = transfers
            .iter()
            .find(|tr| &tr.data.recipient == name && &tr.data.country == country);
        nodes.push(Node {
            x: RIGHT_X,
            y,
            text_x: RIGHT_X + 10,
            text_y: y + 17,
            label: shorten(name, 28),
            sub: if third {
                format!(
                    "{} · {}",
                    country_name(t, country),
                    t.s("flow.third_country")
                )
            } else {
                country_name(t, country)
            },
            href: first
                .map(|tr| format!("{base}/transfers/{}", tr.id))
                .unwrap_or_default(),
            class: if third {
                "flow-node flow-node--third"
            } else {
                "flow-node"
            },
        });
    }
    let mut edges = Vec::new();
    for tr in transfers {
        let (Some(&y1), Some(&y2)) = (
            service_y.get(&tr.data.service_id),
            recipient_y.get(&(tr.data.recipient.clone(), tr.data.country.clone())),
        ) else {
            continue;
        };
        let (x1, y1) = (LEFT_X + BOX_W, y1 + BOX_H / 2);
        let (x2, y2) = (RIGHT_X - 6, y2 + BOX_H / 2);
        let mid = (x1 + x2) / 2;
        let third = taxonomy()
            .country(&tr.data.country)
            .is_some_and(|c| c.is_third_country());
        let missing = needs_mechanism(Some(&tr.data.country), tr.data.mechanism.as_deref());
        let mechanism = tr
            .data
            .mechanism
            .as_deref()
            .and_then(|k| taxonomy().transfer_mechanism(k))
            .map(|m| m.key.to_uppercase().replace('_', " "));
        let label = match (third, missing, &mechanism) {
            (_, true, _) => format!("{} · {}", tr.data.country, t.s("flow.no_mechanism")),
            (true, false, Some(m)) => format!("{} · {m}", tr.data.country),
            (true, false, None) => format!("{} · {}", tr.data.country, t.s("flow.adequacy")),
            (false, _, _) => String::new(),
        };
        let service_name = services
            .iter()
            .find(|s| s.id == tr.data.service_id)
            .map(|s| s.data.name.as_str())
            .unwrap_or_default();
        edges.push(Edge {
            d: format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"),
            label_x: mid,
            label_y: (y1 + y2) / 2 - 4,
            // The accessible name contains the visible label (WCAG 2.5.3).
            title: format!(
                "{} {service_name} → {} ({}){}",
                t.s("flow.transfer"),
                tr.data.recipient,
                country_name(t, &tr.data.country),
                if label.is_empty() {
                    String::new()
                } else {
                    format!(": {label}")
                }
            ),
            label,
            href: format!("{base}/transfers/{}", tr.id),
            class: if missing {
                "flow-edge flow-edge--gap"
            } else if third {
                "flow-edge flow-edge--third"
            } else {
                "flow-edge"
            },
        });
    }
    let rows = service_y.len().max(recipient_y.len()).max(1) as i64;
    Flow {
        width: WIDTH,
        height: 8 + rows * ROW,
        nodes,
        edges,
        left_out,
    }
}
