//! `tekmerkez`: run the whole product embedded (`dev`), or one service of it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tekmerkez::{commands, dev::Dev, settings::Settings, shutdown};

#[derive(Parser)]
#[command(
    name = "tekmerkez",
    version,
    about = "Omnichannel intake and routing for public services"
)]
struct Cli {
    /// Directory holding config/{APP_ENVIRONMENT}.yaml.
    #[arg(
        long,
        env = "TEKMERKEZ_CONFIG_DIR",
        default_value = "config",
        global = true
    )]
    config_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every service in one process with embedded storage and demo data.
    Dev {
        /// Where the embedded databases live.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// gRPC address.
        #[arg(long)]
        grpc_listen: Option<String>,
        /// HTTP address.
        #[arg(long)]
        http_listen: Option<String>,
        /// Delete the data directory first.
        #[arg(long)]
        fresh: bool,
    },
    /// The case service alone (PostgreSQL, Kafka).
    Case,
    /// The intake service alone: web form and app API (Kafka).
    Intake,
    /// The routing service alone (PostgreSQL, Kafka).
    Routing,
    /// The gateway alone: the agents' web UI (PostgreSQL for sessions).
    Gateway,
    /// The notification service alone: SMS and e-mail to citizens (PostgreSQL, Kafka).
    Notify,
    /// The reports service alone (PostgreSQL, Kafka); `reports rebuild`
    /// empties its rollups and replays case.events.v1 (stop the service first).
    Reports {
        #[command(subcommand)]
        action: Option<ReportsAction>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load and check one command's settings without connecting to anything,
    /// then exit: 0 when that command would start with them (the chart CI
    /// and an operator's pre-flight).
    CheckConfig {
        /// The command whose settings to check: case, intake, routing,
        /// gateway, notify, reports or migrate.
        #[arg(value_enum)]
        service: commands::Checked,
    },
}

#[derive(Subcommand)]
enum ReportsAction {
    /// Empty the rollups and replay case.events.v1 from its beginning,
    /// printing events/s; exits once no event arrived for rebuild.idle_ms.
    Rebuild {
        /// Rebuild a stopped `tekmerkez dev`'s reports instead (its data
        /// directory: the embedded bus and SQLite).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let environment = tekmerkez_config::environment_from_env();
    let settings = Settings::load(&cli.config_dir, &environment)?;
    settings.telemetry.validate().map_err(anyhow::Error::msg)?;
    // Each production command reports its own service.name; `dev` is one
    // process and one OpenTelemetry resource, its spans named by service.
    let telemetry = tekmerkez_telemetry::init(&settings.telemetry, cli.command.service_name())?;
    let drain = settings.shutdown.drain_timeout();
    let stop = shutdown::on_signal();
    let run = run(cli.command, settings, stop.clone());
    let result = tokio::select! {
        r = run => r,
        () = shutdown::drain_expired(&stop, drain) => {
            tracing::error!(drain_ms = drain.as_millis() as u64, "work still in flight after the drain bound; exiting without it (it was not acknowledged and will come back)");
            drop(telemetry);
            std::process::exit(1);
        }
    };
    if let Err(e) = &result {
        tracing::error!(error.message = %e, error.cause_chain = ?e, "exiting on an error");
    }
    // Flushes the spans still batched before the process ends.
    drop(telemetry);
    result
}

impl Command {
    /// The OpenTelemetry `service.name` of the process running this command.
    fn service_name(&self) -> &'static str {
        match self {
            Self::Dev { .. } => "tekmerkez-dev",
            Self::Case => "tekmerkez-case",
            Self::Intake => "tekmerkez-intake",
            Self::Routing => "tekmerkez-routing",
            Self::Gateway => "tekmerkez-gateway",
            Self::Notify => "tekmerkez-notify",
            Self::Reports { .. } => "tekmerkez-reports",
            Self::Migrate => "tekmerkez-migrate",
            Self::CheckConfig { .. } => "tekmerkez-check-config",
        }
    }
}

async fn run(
    command: Command,
    mut settings: Settings,
    stop: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    match command {
        Command::Dev {
            data_dir,
            grpc_listen,
            http_listen,
            fresh,
        } => {
            if let Some(d) = data_dir {
                settings.dev.data_dir = d;
            }
            if let Some(g) = grpc_listen {
                settings.case.grpc.listen = g;
            }
            if let Some(h) = http_listen {
                settings.dev.http_listen = h;
            }
            if fresh && settings.dev.data_dir.exists() {
                std::fs::remove_dir_all(&settings.dev.data_dir)?;
            }
            let data_dir = settings.dev.data_dir.clone();
            let dev = Dev::build(settings).await?;
            println!("{}", dev.banner(&data_dir));
            dev.run_until_stopped(stop).await
        }
        Command::Case => commands::case(settings, stop).await,
        Command::Intake => commands::intake(settings, stop).await,
        Command::Routing => commands::routing(settings, stop).await,
        Command::Gateway => commands::gateway(settings, stop).await,
        Command::Notify => commands::notify(settings, stop).await,
        Command::Reports { action: None } => commands::reports(settings, stop).await,
        Command::Reports {
            action: Some(ReportsAction::Rebuild { data_dir: None }),
        } => commands::reports_rebuild(settings, stop).await,
        Command::Reports {
            action:
                Some(ReportsAction::Rebuild {
                    data_dir: Some(dir),
                }),
        } => commands::reports_rebuild_dev(settings, &dir, stop).await,
        Command::Migrate => commands::migrate(&settings).await,
        Command::CheckConfig { service } => {
            commands::check_config(service, &settings)?;
            println!("tekmerkez {}: settings valid", service.name());
            Ok(())
        }
    }
}
