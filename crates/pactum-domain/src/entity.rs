//! What every record of the data map has in common, so storage, the API and exports can
//! treat them alike while each keeps its own fields and rules.

use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::gaps::{Gap, GapRule};
use crate::validation::Violations;

/// A kind of record that people create, edit, list and delete.
pub trait Entity:
    Serialize + DeserializeOwned + ToSchema + Clone + Send + Sync + Unpin + 'static
{
    /// The collection name: table, export key and (with dashes) URL segment.
    const COLLECTION: &'static str;
    /// The singular name used in messages ("service not found").
    const NAME: &'static str;

    /// Canonicalises user input: trims text, drops empty optionals, fills taxonomy defaults.
    fn normalise(&mut self);

    /// Checks the rules that need nothing but the record itself and the taxonomies.
    /// References to other records are checked by the store, inside the same transaction.
    fn validate(&self) -> Result<(), Violations>;

    /// Whether [`Entity::settle`] needs the organisation's calendar (the registers' clocks).
    const DATED: bool = false;

    /// Fills the fields derived from the organisation's time zone and holidays (deadlines)
    /// and checks the rules that need them. Called on every write after `validate`.
    fn settle(&mut self, _calendar: &crate::clocks::OrgCalendar) -> Result<(), Violations> {
        Ok(())
    }

    /// Every rule `gaps` can report, so storage knows where to look for each.
    const GAP_RULES: &'static [GapRule] = &[];

    /// What the record lacks to be compliant, for a valid record (see `gaps`). Stored with
    /// the record and listed on the dashboard until fixed.
    fn gaps(&self) -> Vec<Gap> {
        Vec::new()
    }
}
