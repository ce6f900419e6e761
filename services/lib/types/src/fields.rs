//! Field-level validation errors. A request is converted in one place and
//! every violation is collected, so a caller sees all of them at once. A
//! violation names the field and the rule, never the submitted value.

/// One violated rule on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field, as on the wire: `contact.phone`.
    pub field: String,
    /// The rule, for example `must not be empty`.
    pub rule: &'static str,
}

impl FieldError {
    /// A violation of `rule` on `field`.
    pub fn new(field: impl Into<String>, rule: &'static str) -> Self {
        Self {
            field: field.into(),
            rule,
        }
    }
}

/// Every violation found in one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    /// No violations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation.
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Records `rule` on `field`.
    pub fn add(&mut self, field: impl Into<String>, rule: &'static str) {
        self.0.push(FieldError::new(field, rule));
    }

    /// Keeps the value of `r`, or records its error and returns `None`.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    /// The violations, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// Whether none were found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty.
    ///
    /// # Errors
    /// Returns itself when any violation was recorded.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for Violations {
    fn from(e: FieldError) -> Self {
        Self(vec![e])
    }
}

impl std::fmt::Display for Violations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.rule)?;
        }
        Ok(())
    }
}
