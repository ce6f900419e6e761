//! Layered configuration for every tekmerkez binary.
//!
//! Sources, lowest priority first:
//! 1. the binary's embedded `base.yaml`: every key, with safe local defaults;
//! 2. `{config_dir}/{APP_ENVIRONMENT}.yaml` (`local` | `test` | `production`),
//!    only the keys that differ, optional;
//! 3. environment variables with the binary's prefix and `__` between levels,
//!    for example `TEKMERKEZ__CASE__DATABASE__URL`.
//!
//! Deserialisation goes through `serde_path_to_error`, so a bad value names its
//! exact key. Callers validate the result before any port opens.

#![warn(missing_docs)]

use std::path::Path;

use config::{Config, Environment, File, FileFormat};
use serde::de::DeserializeOwned;

/// Why configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A source could not be read or parsed.
    #[error("reading configuration sources")]
    Source(#[from] config::ConfigError),
    /// A key had the wrong shape; the path names it.
    #[error("configuration key `{path}` is invalid")]
    Key {
        /// The dotted path of the offending key.
        path: String,
        /// What was wrong with it.
        #[source]
        source: config::ConfigError,
    },
}

/// Where the layers come from.
#[derive(Debug, Clone)]
pub struct Sources<'a> {
    /// The embedded base YAML with every key.
    pub base_yaml: &'a str,
    /// A directory that may hold `{environment}.yaml`.
    pub config_dir: Option<&'a Path>,
    /// `local`, `test` or `production`; usually from `APP_ENVIRONMENT`.
    pub environment: &'a str,
    /// The environment-variable prefix, without the trailing separator.
    pub env_prefix: &'a str,
    /// Keys whose environment values are comma-separated lists.
    pub list_keys: &'a [&'a str],
}

/// Loads `T` from the layered sources.
///
/// # Errors
/// [`LoadError`] when a source cannot be parsed or a key does not fit `T`.
pub fn load<T: DeserializeOwned>(sources: &Sources<'_>) -> Result<T, LoadError> {
    load_with_env(sources, std::env::vars())
}

/// [`load`] with the environment given (tests cannot safely set variables).
///
/// Environment values stay text until the target type asks for a number or
/// a flag: a password or token of digits (`0123`) keeps its leading zero,
/// where the `config` crate's own parsing would make it the number 123.
fn load_with_env<T: DeserializeOwned>(
    sources: &Sources<'_>,
    env: impl Iterator<Item = (String, String)>,
) -> Result<T, LoadError> {
    let prefix = format!("{}__", sources.env_prefix);
    let env: config::Map<String, String> = env
        .filter(|(k, _)| {
            k.to_ascii_uppercase()
                .starts_with(&prefix.to_ascii_uppercase())
        })
        .collect();
    let mut builder =
        Config::builder().add_source(File::from_str(sources.base_yaml, FileFormat::Yaml));
    if let Some(dir) = sources.config_dir {
        let path = dir.join(format!("{}.yaml", sources.environment));
        builder = builder.add_source(File::from(path).format(FileFormat::Yaml).required(false));
    }
    builder = builder.add_source(
        Environment::with_prefix(sources.env_prefix)
            .prefix_separator("__")
            .separator("__")
            .source(Some(env.clone())),
    );
    // A list key's variable is comma-separated (`sms,webhook`).
    for key in sources.list_keys {
        let var = format!("{prefix}{}", key.replace('.', "__")).to_ascii_uppercase();
        if let Some((_, value)) = env.iter().find(|(k, _)| k.to_ascii_uppercase() == var) {
            let items: Vec<String> = value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect();
            builder = builder.set_override(*key, items)?;
        }
    }
    let merged = builder.build()?;
    serde_path_to_error::deserialize(merged).map_err(|e| LoadError::Key {
        path: e.path().to_string(),
        source: e.into_inner(),
    })
}

/// The environment name from `APP_ENVIRONMENT`, `local` when unset.
pub fn environment_from_env() -> String {
    std::env::var("APP_ENVIRONMENT").unwrap_or_else(|_| "local".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Settings {
        server: Server,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Server {
        port: u16,
        name: String,
    }

    const BASE: &str = "server:\n  port: 8080\n  name: base\n";

    fn sources<'a>(base: &'a str, dir: Option<&'a Path>) -> Sources<'a> {
        Sources {
            base_yaml: base,
            config_dir: dir,
            environment: "test",
            env_prefix: "TMKCFGTEST",
            list_keys: &[],
        }
    }

    #[test]
    fn the_environment_file_overrides_only_its_own_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("test.yaml"), "server:\n  port: 9090\n").unwrap();
        let s: Settings = load(&sources(BASE, Some(dir.path()))).unwrap();
        assert_eq!(s.server.port, 9090);
        assert_eq!(s.server.name, "base");
    }

    #[test]
    fn a_mistyped_value_names_its_key() {
        let err =
            load::<Settings>(&sources("server:\n  port: many\n  name: x\n", None)).unwrap_err();
        assert!(err.to_string().contains("server.port"), "{err}");
    }

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn a_secret_of_digits_keeps_its_leading_zero_and_numbers_still_parse() {
        let s: Settings = load_with_env(
            &sources(BASE, None),
            env(&[
                ("TMKCFGTEST__SERVER__NAME", "0123"),
                ("TMKCFGTEST__SERVER__PORT", "9091"),
                ("OTHER__SERVER__NAME", "not ours"),
            ]),
        )
        .unwrap();
        assert_eq!(s.server.name, "0123");
        assert_eq!(s.server.port, 9091);
    }

    #[derive(Debug, serde::Deserialize)]
    struct Flags {
        on: bool,
        order: Vec<String>,
    }

    #[test]
    fn flags_parse_from_text_and_a_list_key_splits_on_commas() {
        let base = "on: false\norder: [a]\n";
        let mut src = sources(base, None);
        src.list_keys = &["order"];
        let f: Flags = load_with_env(
            &src,
            env(&[
                ("TMKCFGTEST__ON", "true"),
                ("TMKCFGTEST__ORDER", "netgsm, webhook"),
            ]),
        )
        .unwrap();
        assert!(f.on);
        assert_eq!(f.order, ["netgsm", "webhook"]);
        let f: Flags = load_with_env(&src, env(&[("TMKCFGTEST__ORDER", "123")])).unwrap();
        assert_eq!(f.order, ["123"], "one numeric item is still a list of text");
    }

    #[test]
    fn an_unknown_key_is_rejected() {
        let err = load::<Settings>(&sources("server:\n  port: 1\n  name: x\n  prot: 2\n", None))
            .unwrap_err();
        assert!(format!("{err:?}").contains("prot"), "{err:?}");
    }
}
