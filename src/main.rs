//! The `latchkey` binary: parses the command line and calls into the library.

use std::io::Read;
use std::process::ExitCode;

use clap::Parser;
use latchkey::config::{ApiKeyCommand, Cli, Command};
use latchkey::{Application, Clock};

fn main() -> ExitCode {
    latchkey::memory::cap_allocator_arenas();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("latchkey: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(start())
}

async fn start() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr; stdout carries only the lines a person or script acts on.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.settings.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("latchkey: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            tracing::info!(settings = ?settings, "starting");
            let app = Application::build(settings, Clock::system()).await?;
            println!("Latchkey is running: open {}", app.base_url());
            println!("listening on {}", app.local_addr());
            app.run_until_stopped().await
        }
        Command::Sandbox {
            port,
            redirect_uris,
        } => serve_sandbox(settings.base_url.as_deref(), port, redirect_uris).await,
        Command::Migrate => {
            let db = latchkey::store::Db::connect(&settings).await?;
            db.migrate().await?;
            println!("database is up to date");
            Ok(())
        }
        Command::ApiKey {
            command:
                ApiKeyCommand::Create {
                    agency,
                    name,
                    scope,
                },
        } => {
            let key = latchkey::bootstrap::create_api_key(&settings, agency, &name, &scope).await?;
            println!("{key}");
            eprintln!("This key is shown once: store it now. Revoke it in Settings → API keys.");
            Ok(())
        }
        Command::CreateOwner {
            agency,
            email,
            name,
        } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let id = latchkey::bootstrap::create_owner(&settings, &agency, &email, &name, password)
                .await?;
            println!("created agency {id} with owner {email}");
            Ok(())
        }
    }
}

/// `latchkey sandbox`: the Meta and Google sandboxes alone, for trying a Graph or Google
/// client against them.
async fn serve_sandbox(
    base_url: Option<&str>,
    port: u16,
    redirect_uris: Vec<String>,
) -> anyhow::Result<()> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let redirect = base_url.map(|b| format!("{}/oauth/callback", b.trim_end_matches('/')));
    let mut sandbox = meta_sandbox::Sandbox::new(
        Clock::system(),
        &base,
        None,
        redirect.into_iter().chain(redirect_uris).collect(),
    );
    sandbox.development_mode = true;
    println!(
        "Meta sandbox: Graph API at {base}/sandbox/graph/{v}/, login dialog at {base}/sandbox/www/{v}/dialog/oauth, admin at {base}/sandbox",
        v = latchkey::meta::versions::NEWEST,
    );
    println!(
        "redirect URIs: {} (and any http://localhost or http://127.0.0.1 one)",
        if sandbox.redirect_uris.is_empty() {
            "none registered".to_owned()
        } else {
            sandbox.redirect_uris.join(", ")
        }
    );
    println!(
        "app id {}  app secret {}",
        meta_sandbox::world::APP_ID,
        meta_sandbox::world::APP_SECRET
    );
    let mut google =
        google_sandbox::Sandbox::new(Clock::system(), &base, None, sandbox.redirect_uris.clone());
    google.loopback_redirects = true;
    println!(
        "Google sandbox: consent at {}/o/oauth2/v2/auth, tokens at {}/token, Analytics Admin API at {}/v1alpha/, Tag Manager API at {}/tagmanager/v2/, Google Ads API at {}/v26/; OAuth client id {}  secret {}",
        google.accounts_base(),
        google.oauth_base(),
        google.analytics_admin_base(),
        google.tagmanager_base(),
        google.ads_base(),
        google_sandbox::world::CLIENT_ID,
        google_sandbox::world::CLIENT_SECRET
    );
    axum::serve(listener, sandbox.router().merge(google.router())).await?;
    Ok(())
}
