//! Purpose profiles: which of a certificate's signed fields a verifier
//! passes on, for a named purpose (data minimisation, GDPR art. 5(1)(c);
//! these are minors' data).
//!
//! A portal that prices transport needs to know that the pupil is enrolled
//! this school year and the pupil's name, not the date of birth, the school
//! or the serial. It names its purpose, and the report written for that
//! profile ([`Report::to_json_for`](crate::verify::Report::to_json_for))
//! holds only the profile's fields: the restriction happens here, in the
//! core, so in the browser a field a profile does not list never leaves the
//! wasm. The verdict is the same whatever the profile: every check runs on
//! the whole signed certificate.
//!
//! | profile | purpose | certificate fields |
//! | --- | --- | --- |
//! | `full` (default) | the verifier page: a clerk compares every signed field with the paper and the person | every field: `serial`, `issued_on`, `academie`, `valid_from`, `valid_until`, `kind`, `family_name`, `given_names`, `birth_date`, `school_uai`, `school_name`, `school_town`, `school_year`, `level`, `regime` |
//! | `transport` | social pricing of public transport: the pupil is enrolled this school year, and whose name it is | `kind`, `family_name`, `given_names`, `school_year`, `valid_from`, `valid_until` |
//! | `family-benefits` | family benefits (CAF): as `transport`, plus the date of birth and the class level, on which the allowance depends | `transport`'s + `birth_date`, `level` |
//! | `school-enrolment` | a town hall's school services (canteen, after-school care): as `transport`, plus which school and the régime (demi-pensionnaire) | `transport`'s + `school_uai`, `school_name`, `school_town`, `regime` |
//!
//! Whatever the profile, a report keeps `status`, `checks`, `issuer` (the
//! trust list's name for the key) and `trust_list`: none of them is about the
//! pupil. `serial`, `issued_on` and `academie` are in `full` only. A report
//! written for a profile other than `full` also says `"profile": "<name>"`.
//! `regime` is optional in a certificate: a profile that lists it gives it
//! when the certificate has one.
//!
//! The names are stable API (the CLI's `--profile`, the wasm `verify`'s third
//! argument, the web component's attribute). Adding a profile is adding a
//! variant here, with its field list and a row in the table above; the tests
//! hold every profile to its list over every test vector.

/// A purpose, and so the certificate fields a report for it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// Every field: what the verifier page shows. The default.
    #[default]
    Full,
    /// Transport pricing: enrolled this school year, and the pupil's name.
    Transport,
    /// Family benefits: `Transport` + date of birth and class level.
    FamilyBenefits,
    /// A town hall's school services: `Transport` + the school and the régime.
    SchoolEnrolment,
}

/// Every field of a certificat de scolarité, in the order reports write them.
const FULL: &[&str] = &[
    "serial",
    "issued_on",
    "academie",
    "valid_from",
    "valid_until",
    "kind",
    "family_name",
    "given_names",
    "birth_date",
    "school_uai",
    "school_name",
    "school_town",
    "school_year",
    "level",
    "regime",
];

const TRANSPORT: &[&str] = &["valid_from", "valid_until", "kind", "family_name", "given_names", "school_year"];

const FAMILY_BENEFITS: &[&str] =
    &["valid_from", "valid_until", "kind", "family_name", "given_names", "birth_date", "school_year", "level"];

const SCHOOL_ENROLMENT: &[&str] = &[
    "valid_from",
    "valid_until",
    "kind",
    "family_name",
    "given_names",
    "school_uai",
    "school_name",
    "school_town",
    "school_year",
    "regime",
];

/// Why a profile was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// No profile has this name.
    Unknown(String),
}

impl ProfileError {
    /// The stable code: `unknown-profile`.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::Unknown(_) => "unknown-profile",
        }
    }
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Quoted as JSON (json.rs, already in the wasm), not with `{:?}`:
            // Debug's escaping would bring core's Unicode tables into the wasm.
            ProfileError::Unknown(name) => {
                let mut quoted = String::new();
                crate::json::write_string(&mut quoted, name);
                write!(f, "unknown-profile: no profile is named {quoted}")
            }
        }
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Every profile, `Full` first.
    pub const ALL: [Profile; 4] =
        [Profile::Full, Profile::Transport, Profile::FamilyBenefits, Profile::SchoolEnrolment];

    /// The profile's stable name (`full`, `transport`, `family-benefits`, `school-enrolment`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::Transport => "transport",
            Profile::FamilyBenefits => "family-benefits",
            Profile::SchoolEnrolment => "school-enrolment",
        }
    }

    /// The certificate fields a report for this profile may carry, in the
    /// order reports write them (names of the result's `certificate` object).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Profile::Full => FULL,
            Profile::Transport => TRANSPORT,
            Profile::FamilyBenefits => FAMILY_BENEFITS,
            Profile::SchoolEnrolment => SCHOOL_ENROLMENT,
        }
    }

    /// The profile of that name, if there is one (names are exact: lower case).
    pub fn by_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// [`Profile::by_name`], with the error whose code crosses into JSON and JavaScript.
    pub fn parse(name: &str) -> Result<Profile, ProfileError> {
        Profile::by_name(name).ok_or_else(|| ProfileError::Unknown(name.to_owned()))
    }

    /// Whether a report for this profile carries the certificate field `field`.
    pub fn allows(self, field: &str) -> bool {
        self.fields().contains(&field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for p in Profile::ALL {
            assert_eq!(Profile::by_name(p.name()), Some(p));
            assert_eq!(Profile::parse(p.name()), Ok(p));
        }
        assert_eq!(Profile::default(), Profile::Full);
        for bad in ["", "Full", "TRANSPORT", "transport ", "identity-check", "family_benefits"] {
            assert_eq!(Profile::by_name(bad), None, "{bad:?}");
            let err = Profile::parse(bad).unwrap_err();
            assert_eq!(err.code(), "unknown-profile");
            assert!(err.to_string().starts_with("unknown-profile"));
        }
    }

    #[test]
    fn every_profile_lists_fields_of_full_in_full_order_without_the_issuers_bookkeeping() {
        for p in Profile::ALL {
            let positions: Vec<usize> = p.fields().iter().map(|f| FULL.iter().position(|g| g == f).unwrap()).collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}: order or duplicates", p.name());
            if p != Profile::Full {
                for f in ["serial", "issued_on", "academie"] {
                    assert!(!p.allows(f), "{} lists {f}", p.name());
                }
                for f in TRANSPORT {
                    assert!(p.allows(f), "{} lacks {f}", p.name());
                }
            }
        }
        assert!(!Profile::Transport.allows("birth_date"));
        assert!(Profile::FamilyBenefits.allows("birth_date") && Profile::FamilyBenefits.allows("level"));
        assert!(!Profile::SchoolEnrolment.allows("birth_date"));
    }
}
