//! Scenarios of the consensus view: the built-in SN15 metagraph, the community cases and an
//! uploaded metagraph, each turned into a `taolab` [`Case`] by the core.

use crate::state::{truncate, ScenarioId};
use taolab::metagraph::Metagraph;
use taolab::yuma::{cases, Case, Params, Variant};

/// The real subnet-15 metagraph at block 4,769,998 (see `playground/data/README.md`).
pub const SN15_JSON: &str = include_str!("../data/metagraph-sn15-block4769998.json");

/// Largest metagraph file the playground accepts (bytes), checked before reading it.
pub const MAX_UPLOAD_BYTES: usize = 8 << 20;
/// Most UIDs of an uploaded metagraph (the chain's subnets hold at most 256 today; the
/// heatmap and the bars stay readable up to this).
pub const MAX_UPLOAD_UIDS: usize = 4096;

/// Parses the built-in metagraph.
pub fn sn15() -> Metagraph {
    Metagraph::from_json(SN15_JSON).expect("the embedded SN15 metagraph is valid")
}

/// Checks an uploaded file's size before it is read; the message is shown as is.
pub fn check_upload_size(name: &str, bytes: u64) -> Result<(), String> {
    if bytes == 0 {
        return Err(format!("'{}' is empty.", truncate(name, 60)));
    }
    if bytes > MAX_UPLOAD_BYTES as u64 {
        return Err(format!(
            "'{}' is {:.1} MB; the playground accepts metagraph files up to {} MB.",
            truncate(name, 60),
            bytes as f64 / (1 << 20) as f64,
            MAX_UPLOAD_BYTES >> 20
        ));
    }
    Ok(())
}

/// Parses and validates an uploaded metagraph (`{n, S, W, hotkeys?, netuid?, block?}`) and
/// checks that it can run (some UID holds enough stake to validate).
pub fn parse_upload(text: &str) -> Result<Metagraph, String> {
    if text.len() > MAX_UPLOAD_BYTES {
        return Err(format!(
            "The file is {} bytes; the limit is {MAX_UPLOAD_BYTES}.",
            text.len()
        ));
    }
    // A cheap look at `n` before the whole document is decoded into matrices.
    #[derive(serde::Deserialize)]
    struct Head {
        n: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_str(text).map_err(|e| {
        format!(
            "Not a metagraph JSON file: {}",
            truncate(&e.to_string(), 200)
        )
    })?;
    match head.n.as_ref().and_then(serde_json::Value::as_u64) {
        None => {
            return Err(
                "Not a metagraph: the field 'n' (number of UIDs) is missing or not a whole number."
                    .into(),
            )
        }
        Some(n) if n as usize > MAX_UPLOAD_UIDS => {
            return Err(format!(
                "The metagraph has n = {n} UIDs; the playground accepts up to {MAX_UPLOAD_UIDS}."
            ))
        }
        Some(_) => {}
    }
    let m = Metagraph::from_json(text)
        .map_err(|e| format!("Invalid metagraph: {}", truncate(&e.to_string(), 300)))?;
    if m.validator_uids().is_empty() {
        return Err(format!(
            "Invalid metagraph: no UID has at least {} TAO of stake (S), so none validates.",
            taolab::metagraph::VALIDATOR_MIN_STAKE
        ));
    }
    Ok(m)
}

/// A scenario's label for pickers and titles.
pub fn label(id: ScenarioId, upload: Option<&Metagraph>) -> String {
    match id {
        ScenarioId::Sn15 => "Real metagraph: subnet 15, block 4,769,998".into(),
        ScenarioId::Case(n) => cases::list()
            .get(n - 1)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| format!("Case {n}")),
        ScenarioId::Upload => match upload {
            Some(m) => format!(
                "Uploaded metagraph: subnet {}, block {}, {} UIDs",
                m.netuid, m.block, m.n
            ),
            None => "Uploaded metagraph".into(),
        },
        ScenarioId::Attack(k) => match taolab::study::scenarios::NAMES.get(k) {
            Some(name) => format!("Attack study: {name}"),
            None => "Attack study".into(),
        },
    }
}

thread_local! {
    /// Simulated attack studies, by index: the agents run once, slider moves only replay.
    static ATTACKS: std::cell::RefCell<Vec<Option<Case>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The weights and stakes an attack study's agents produce (simulated once, then cached).
fn attack_case(k: usize) -> Result<Case, String> {
    if let Some(c) = ATTACKS.with(|a| a.borrow().get(k).cloned().flatten()) {
        return Ok(c);
    }
    let name = taolab::study::scenarios::NAMES
        .get(k)
        .ok_or("There is no such attack study.")?;
    let sc = taolab::study::scenarios::by_name(name).map_err(|e| e.to_string())?;
    let c = taolab::agents::simulate(&sc)
        .map_err(|e| e.to_string())?
        .case;
    ATTACKS.with(|a| {
        let mut a = a.borrow_mut();
        if a.len() <= k {
            a.resize(k + 1, None);
        }
        a[k] = Some(c.clone());
    });
    Ok(c)
}

/// Builds the case to run: the scenario's epochs with the given rule and parameters.
pub fn build_case(
    id: ScenarioId,
    sn15: &Metagraph,
    upload: Option<&Metagraph>,
    metagraph_epochs: usize,
    variant: Variant,
    params: &Params,
) -> Result<Case, String> {
    let mut case = match id {
        ScenarioId::Case(n) => {
            let mut c = cases::case(n).ok_or_else(|| format!("There is no case {n}."))?;
            c.params = params.clone();
            c
        }
        ScenarioId::Sn15 => sn15
            .to_case(metagraph_epochs, params.clone())
            .map_err(|e| e.to_string())?,
        ScenarioId::Upload => upload
            .ok_or("No metagraph has been uploaded yet.")?
            .to_case(metagraph_epochs, params.clone())
            .map_err(|e| e.to_string())?,
        ScenarioId::Attack(k) => {
            // The agents set their weights under the study's own rule; the weights and stakes
            // they produced are then replayed under the chosen rule and parameters.
            let mut c = attack_case(k)?;
            c.params = params.clone();
            c
        }
    };
    case.variant = Some(variant);
    Ok(case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_studies_build_cases() {
        let m = sn15();
        for k in 0..taolab::study::scenarios::NAMES.len() {
            let id = ScenarioId::Attack(k);
            assert_eq!(ScenarioId::from_key(&id.to_key()), Some(id));
            let c = build_case(id, &m, None, 40, Variant::Yuma3, &Params::default()).unwrap();
            assert!(c.epochs.len() >= 10, "{}", label(id, None));
        }
    }

    #[test]
    fn sn15_has_eleven_validators() {
        let m = sn15();
        assert_eq!(m.n, 256);
        assert_eq!(
            m.validator_uids(),
            vec![0, 2, 21, 52, 56, 57, 94, 112, 206, 245, 253]
        );
        let c = build_case(
            ScenarioId::Sn15,
            &m,
            None,
            40,
            Variant::Yuma2,
            &Params::default(),
        )
        .unwrap();
        assert_eq!(c.shape(), (11, 256));
        assert_eq!(c.epochs.len(), 40);
    }

    #[test]
    fn upload_errors_are_clear() {
        assert!(parse_upload("{")
            .unwrap_err()
            .starts_with("Not a metagraph JSON"));
        assert!(parse_upload("{\"S\":[1]}").unwrap_err().contains("'n'"));
        assert!(parse_upload("{\"n\":100000,\"S\":[],\"W\":[]}")
            .unwrap_err()
            .contains("up to 4096"));
        let e = parse_upload("{\"n\":2,\"S\":[2000,1],\"W\":[[0,1],[1]]}").unwrap_err();
        assert!(e.contains("W[1] has 1 entries"), "{e}");
        let e = parse_upload("{\"n\":2,\"S\":[20,1],\"W\":[[0,1],[1,0]]}").unwrap_err();
        assert!(e.contains("no UID"), "{e}");
        let m = parse_upload("{\"n\":2,\"S\":[2000,1],\"W\":[[0,1],[1,0]]}").unwrap();
        assert_eq!(m.validator_uids(), vec![0]);
        assert!(check_upload_size("x.json", 0).is_err());
        assert!(check_upload_size("x.json", 9 << 20)
            .unwrap_err()
            .contains("8 MB"));
    }

    #[test]
    fn cases_build_with_params() {
        let p = Params {
            kappa: 0.3,
            ..Params::default()
        };
        let m = sn15();
        let c = build_case(ScenarioId::Case(3), &m, None, 40, Variant::Yuma3, &p).unwrap();
        assert_eq!(c.params.kappa, 0.3);
        assert_eq!(c.variant, Some(Variant::Yuma3));
        assert!(build_case(ScenarioId::Upload, &m, None, 40, Variant::Yuma3, &p).is_err());
    }
}
