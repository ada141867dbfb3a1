//! Uses a Graph client generated at build time. Warnings are errors here, so
//! the generated code is held to the same bar as hand-written code.
#![deny(warnings)]

include!(concat!(env!("OUT_DIR"), "/graphgen.rs"));

/// Whether a user must choose a new QR code PIN at their next sign-in; `None`
/// when Graph does not say.
pub async fn must_change_pin(client: &GraphClient, user: &str) -> Result<Option<bool>, Error> {
    let method = client
        .users()
        .by_user_id(user)
        .authentication()
        .qr_code_pin_method()
        .get()
        .await?;
    Ok(method.pin.and_then(|pin| pin.force_change_pin_next_sign_in))
}
