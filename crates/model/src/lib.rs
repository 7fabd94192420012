//! The deployment model.
//!
//! Data flows one way through mbdeploy: *sources → model → rules → reports*. This crate is the
//! middle of that line. The Terraform source loader, the plan loader and the live AWS reader all
//! produce a [`Deployment`]; the rules read nothing else. Keeping the model free of any loader's
//! types is what lets one rule judge source, plan and account alike.
//!
//! Terraform-shaped input (source and plan) first becomes a [`tf::TfConfig`]: resource instances
//! whose attributes are evaluated [`Value`]s. [`tf::build`] turns that into the typed model, so the
//! two Terraform loaders share one adapter and cannot disagree on what a resource means.

pub mod deployment;
pub mod location;
pub mod tf;
pub mod value;

pub use deployment::*;
pub use location::Location;
pub use value::{Kind, Value};
