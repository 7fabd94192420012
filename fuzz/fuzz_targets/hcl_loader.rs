//! Any bytes as a `.tf` file: the loader must return (errors are fine), never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let cfg = mbdeploy_hcl::load_files(vec![("fuzz.tf".into(), text)], &Default::default());
    let _ = mbdeploy_model::tf::build(cfg);
});
