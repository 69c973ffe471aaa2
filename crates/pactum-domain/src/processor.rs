//! The processor toolkit: what an organisation owes the customers (controllers) it
//! processes for under Art. 28 and their data processing agreements. `customer` holds a
//! customer's contract terms, `notice` the sub-processor change notices and objections
//! (Art. 28(2)), `audit` the customers' audit requests (Art. 28(3)(h)).

pub mod audit;
pub mod customer;
pub mod notice;
