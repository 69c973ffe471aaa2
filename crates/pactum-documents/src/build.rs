//! From a `Source` to a `Document`, one module per kind. Pure: nothing here reads the
//! store or the clock (`Request::now` is the moment written on the document).

mod access;
mod annexes;
mod breach;
mod common;
mod risks;
mod ropa;

use pactum_store::records::Record;

use crate::labels::Labels;
use crate::model::Document;
use crate::source::Source;
use crate::{Error, Kind, Request};

pub fn document(source: &Source, request: &Request) -> Result<Document, Error> {
    let l = Labels::new(request.language, &source.organisation.timezone);
    let doc = match request.kind {
        Kind::RopaController => ropa::controller(source, &l),
        Kind::RopaProcessor => ropa::processor(source, &l),
        Kind::DpaAnnexes => annexes::annexes(source, &l),
        Kind::BreachRegister => breach::register(source, &l),
        Kind::RiskRegister => risks::register(source, &l),
        Kind::BreachReport => breach::report(source, &l, one(&source.breaches, request)?),
        Kind::AccessPack => access::pack(source, &l, one(&source.requests, request)?),
    };
    Ok(common::finish(doc, source, request, &l))
}

fn one<'a, T>(records: &'a [Record<T>], request: &Request) -> Result<&'a Record<T>, Error> {
    let Some(id) = request.record else {
        return Err(Error::Invalid {
            field: "id",
            rule: "required",
            message: format!(
                "id is required: a {} is about one record of the register.",
                request.kind.as_str()
            ),
        });
    };
    records
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Error::Invalid {
            field: "id",
            rule: "not_found",
            message: "id names no record of this organisation's register.".into(),
        })
}
