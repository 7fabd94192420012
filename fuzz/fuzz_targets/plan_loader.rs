//! Any bytes as `terraform show -json` output: an error or a model, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(cfg) = mbdeploy_plan::load_plan_str(&text, "fuzz.json") {
        let _ = mbdeploy_model::tf::build(cfg);
    }
});
