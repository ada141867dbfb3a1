//! Request paths, built one segment at a time so that no parameter value can
//! change the path it is placed in.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters is encoded, as RFC 6570
/// simple expansion (which Microsoft's SDKs use) does: `/`, `?`, `#`, `%` and
/// `@` all become `%XX`, so a value stays exactly one path segment, and `+`,
/// `&`, `=` and spaces in a query value (a `$filter`) cannot change the query.
pub(crate) const UNRESERVED_ONLY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The path of a request below the service root, with the template it came
/// from. `Debug` shows only the template: identifiers such as a
/// userPrincipalName are personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestPath {
    template: String,
    encoded: String,
    invalid: Option<InvalidParameter>,
}

/// A path parameter value that cannot be sent as one segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidParameter {
    /// The parameter's name in the description, for example `user-id`.
    pub name: &'static str,
    /// What is wrong with the value.
    pub reason: &'static str,
}

impl RequestPath {
    /// The service root itself.
    pub fn root() -> Self {
        Self {
            template: String::new(),
            encoded: String::new(),
            invalid: None,
        }
    }

    /// Appends a fixed segment of the description's path.
    pub fn segment(&self, segment: &'static str) -> Self {
        let mut next = self.clone();
        next.template.push('/');
        next.template.push_str(segment);
        next.encoded.push('/');
        next.encoded.push_str(segment);
        next
    }

    /// Appends a parameter value as exactly one percent-encoded segment.
    ///
    /// An empty value, `.` or `..` would address another resource once the
    /// URL is normalised, so it makes the request fail before it is sent.
    pub fn parameter(&self, name: &'static str, value: &str) -> Self {
        let mut next = self.clone();
        next.template.push_str("/{");
        next.template.push_str(name);
        next.template.push('}');
        next.encoded.push('/');
        let reason = match value {
            "" => Some("is empty"),
            "." | ".." => Some("is a dot segment"),
            _ => None,
        };
        match reason {
            Some(reason) if next.invalid.is_none() => {
                next.invalid = Some(InvalidParameter { name, reason });
            }
            _ => next
                .encoded
                .extend(utf8_percent_encode(value, UNRESERVED_ONLY).map(|part| part.to_owned())),
        }
        next
    }

    /// Appends a segment written as text with parameters inside, as OData
    /// functions and alternate keys are:
    /// `microsoft.graph.reminderView(StartDateTime='{StartDateTime}')`. Each
    /// value has its single quotes doubled (OData's escape inside a string
    /// literal) and is percent-encoded, so it cannot end the literal or the segment.
    pub fn segment_template(&self, template: &'static str, values: &[(&'static str, &str)]) -> Self {
        let mut next = self.clone();
        next.template.push('/');
        next.template.push_str(template);
        next.encoded.push('/');
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            next.encoded.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            let name = &after[..close];
            let value = values
                .iter()
                .find(|(key, _)| *key == name)
                .map_or("", |(_, value)| *value);
            let escaped = value.replace('\'', "''");
            next.encoded
                .extend(utf8_percent_encode(&escaped, UNRESERVED_ONLY).map(|part| part.to_owned()));
            rest = &after[close + 1..];
        }
        next.encoded.push_str(rest);
        next
    }

    /// The path template, for example `/users/{user-id}/authentication`.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The encoded path to append to the service root, or the parameter that
    /// cannot be sent.
    pub fn encoded(&self) -> Result<&str, &InvalidParameter> {
        match &self.invalid {
            Some(invalid) => Err(invalid),
            None => Ok(&self.encoded),
        }
    }
}

impl fmt::Debug for RequestPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequestPath").field(&self.template).finish()
    }
}
