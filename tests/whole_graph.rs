//! All of Microsoft's v1.0 module descriptions as one crate: schemas that
//! the modules define differently (in their documentation only, in
//! Microsoft's 2023 descriptions) merge into one type each, and each of the
//! 36 module features alone compiles without a warning, clippy's included.

use std::process::Command;

use graphgen_suite::{root, shared_file};

fn official_modules() -> Option<Vec<std::path::PathBuf>> {
    let dir = shared_file("graph/v1.0")?;
    let mut modules: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    modules.sort();
    Some(modules)
}

/// The pair that once failed: `microsoft.graph.device` says "Azure AD" in one
/// and "Microsoft Entra ID" in the other.
#[test]
#[cfg_attr(
    not(shared),
    ignore = "needs Microsoft's descriptions in ../shared/graph (scripts/fetch-descriptions.sh)"
)]
fn two_modules_that_define_a_schema_differently_make_one_type() {
    let Some(modules) = official_modules() else { return };
    let pick = |name: &str| modules.iter().find(|path| path.ends_with(name)).unwrap().clone();
    let specs = [pick("Applications.yml"), pick("Identity.Governance.yml")];
    let model = graphgen::model(&specs, &graphgen::PathFilter::default()).unwrap_or_else(|error| panic!("{error}"));
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    let files = graphgen::output::crate_files(&model, "two-modules").unwrap();
    assert_eq!(files["src/models.rs"].matches("pub struct Device {").count(), 1);
    let manifest = &files["Cargo.toml"];
    for module in ["applications = [", "identity-governance = ["] {
        assert!(manifest.contains(module), "{module} missing");
    }
}

#[test]
#[cfg_attr(
    not(shared),
    ignore = "needs Microsoft's descriptions in ../shared/graph (scripts/fetch-descriptions.sh)"
)]
fn all_modules_make_one_crate_whose_module_features_build() {
    let Some(modules) = official_modules() else { return };
    let model = graphgen::model(&modules, &graphgen::PathFilter::default()).unwrap_or_else(|error| panic!("{error}"));
    // Microsoft's descriptions differ only in what merges silently.
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    let files = graphgen::output::crate_files(&model, "graph").unwrap();
    let manifest = &files["Cargo.toml"];
    for module in [
        "mail = [",
        "users = [",
        "users-actions = [",
        "identity-signins = [",
        "calendar = [",
    ] {
        assert!(
            manifest.contains(&format!("\n{module}")),
            "{module} missing from the manifest"
        );
    }
    // Every operation that creates an upload session says how to send the file.
    let sessions: usize = modules
        .iter()
        .map(|module| {
            let text = std::fs::read_to_string(module).unwrap();
            text.lines()
                .filter(|line| line.starts_with("  '/") && line.contains("/microsoft.graph.createUploadSession'"))
                .count()
        })
        .sum();
    let pointed: usize = files
        .values()
        .map(|text| {
            text.matches("[`GraphClient::upload`](super::runtime::client::GraphClient::upload)")
                .count()
        })
        .sum();
    assert_eq!((sessions, pointed), (40, 40));
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("graph");
    graphgen::output::write_crate(&dir, &files).unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    // The crate says what it holds, and its docs list every module's feature.
    let lib = &files["src/lib.rs"];
    assert!(
        lib.contains("//! Microsoft Graph: Applications, Bookings, Calendar,"),
        "{}",
        &lib[..600]
    );
    assert!(manifest.contains("description = \"Microsoft Graph: Applications, Bookings,"));
    // Each module alone, as a user depends on one (`teams` has the
    // `microsoft.graph.clone` action, which must not shadow `Clone::clone`).
    let features: Vec<String> = modules
        .iter()
        .map(|module| graphgen::model::features::feature_name(&module.file_stem().unwrap().to_string_lossy()))
        .collect();
    let mut selections = vec![vec!["--no-default-features"]];
    selections.extend(
        features
            .iter()
            .map(|feature| vec!["--no-default-features", "--features", feature.as_str()]),
    );
    for feature in &features {
        assert!(
            lib.contains(&format!("`{feature}`")),
            "{feature} missing from the crate's docs"
        );
    }
    // What a mail application calls compiles with `mail` alone, wherever
    // Microsoft filed it (`sendMail`, `reply` and `forward` are in
    // Users.Actions), and lints clean as the user's own code.
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::write(dir.join("examples/mail_app.rs"), MAIL_APP).unwrap();
    let mail = vec!["--no-default-features", "--features", "mail", "--examples"];
    selections.push(mail);
    for selection in &selections {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(["clippy", "--quiet"])
            .args(selection)
            .args(["--", "-D", "warnings"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", root().join("target/standalone"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo clippy {selection:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// An application that reads, pages, sends, replies to and forwards mail and
/// batches two calls, as a user writes it against the whole-Graph crate.
const MAIL_APP: &str = r#"
use graph::models::{
    EmailAddress, Message, MessageForwardRequestBody, MessageReplyRequestBody, Recipient,
    UserSendMailRequestBody,
};
use graph::{Cloud, Error, GraphClient, StaticToken};

async fn app(client: &GraphClient, user: &str) -> Result<(), Error> {
    let mailbox = client.users().by_user_id(user);
    let mut messages = mailbox.messages().get().items();
    while let Some(message) = messages.try_next().await? {
        println!("{message:?}");
    }
    let adele = Recipient {
        email_address: Some(EmailAddress {
            address: Some("adele@contoso.com".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let message = Message {
        subject: Some("Hello".to_owned()),
        to_recipients: Some(vec![adele.clone().into()]),
        ..Default::default()
    };
    let send = UserSendMailRequestBody { message: Some(message), ..Default::default() };
    mailbox.send_mail().post(&send).await?;
    let first = mailbox.messages().by_message_id("AAMkAGI2");
    let reply = MessageReplyRequestBody { comment: Some("Thanks".to_owned()), ..Default::default() };
    first.reply().post(&reply).await?;
    let forward = MessageForwardRequestBody { to_recipients: Some(vec![adele.into()]), ..Default::default() };
    first.forward().post(&forward).await?;
    let mut batch = client.batch();
    let inbox = batch.add(mailbox.mail_folders().by_mail_folder_id("inbox").get());
    let one = batch.add(first.get());
    let mut answers = batch.send().await;
    println!("{:?} {:?}", answers.take(inbox)?.value.display_name, answers.take(one)?.value.subject);
    Ok(())
}

fn main() -> Result<(), Error> {
    let client = GraphClient::new(Cloud::Global, StaticToken::new("token"))?;
    drop(app(&client, "me"));
    Ok(())
}
"#;
