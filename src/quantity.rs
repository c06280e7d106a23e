//! Kubernetes resource quantities (`100m`, `1.5Gi`, `2e3`), parsed exactly into nano-units so
//! requests, limits and allocatable can be compared without floating point.

use std::fmt;

/// A quantity in billionths of its unit (cores, bytes, pods...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Quantity {
    nanos: i128,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError(pub String);

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    pub const ZERO: Quantity = Quantity { nanos: 0 };

    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let invalid = || {
            QuantityError(format!(
                "{text:?} is not a quantity (use e.g. 100m, 0.5, 128Mi, 1Gi, 2e3)"
            ))
        };
        let text = text.trim();
        let (sign, rest) = match text.as_bytes().first() {
            Some(b'-') => (-1, &text[1..]),
            Some(b'+') => (1, &text[1..]),
            _ => (1, text),
        };
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(invalid());
        }
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let (multiplier, exponent) = parse_suffix(suffix).ok_or_else(invalid)?;
        // value = (whole.fraction) * multiplier * 10^exponent, kept in nanos.
        let digits = format!("{whole}{fraction}");
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| too_large(text))?
        };
        let scale = exponent + 9 - i32::try_from(fraction.len()).map_err(|_| invalid())?;
        let scaled = apply_exponent(mantissa, scale).ok_or_else(|| too_large(text))?;
        let nanos = scaled
            .checked_mul(multiplier)
            .and_then(|n| n.checked_mul(sign))
            .ok_or_else(|| too_large(text))?;
        Ok(Quantity { nanos })
    }

    pub fn from_units(units: i64) -> Quantity {
        Quantity {
            nanos: i128::from(units) * NANO,
        }
    }

    pub fn is_negative(self) -> bool {
        self.nanos < 0
    }

    pub fn saturating_add(self, other: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_add(other.nanos),
        }
    }

    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_sub(other.nanos),
        }
    }

    /// The value in whole units, rounded up (what the scheduler compares for most resources).
    pub fn as_f64(self) -> f64 {
        self.nanos as f64 / NANO as f64
    }
}

impl fmt::Display for Quantity {
    /// A compact human form: `250m` for fractions, `512Mi`-style for large powers of two.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.nanos;
        if nanos % NANO != 0 {
            if nanos % 1_000_000 == 0 {
                return write!(f, "{}m", nanos / 1_000_000);
            }
            return write!(f, "{}", self.as_f64());
        }
        let units = nanos / NANO;
        for (suffix, size) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if units != 0 && units % size == 0 {
                return write!(f, "{}{suffix}", units / size);
            }
        }
        write!(f, "{units}")
    }
}

fn too_large(text: &str) -> QuantityError {
    QuantityError(format!("{text:?} is too large to be a quantity"))
}

/// (multiplier, decimal exponent) of a suffix.
fn parse_suffix(suffix: &str) -> Option<(i128, i32)> {
    let binary = |power: u32| Some((1i128 << power, 0));
    match suffix {
        "" => Some((1, 0)),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        "n" => Some((1, -9)),
        "u" => Some((1, -6)),
        "m" => Some((1, -3)),
        "k" => Some((1, 3)),
        "M" => Some((1, 6)),
        "G" => Some((1, 9)),
        "T" => Some((1, 12)),
        "P" => Some((1, 15)),
        "E" => Some((1, 18)),
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            let valid = !exponent.is_empty()
                && exponent
                    .trim_start_matches(['+', '-'])
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                && !exponent.trim_start_matches(['+', '-']).is_empty();
            if !valid {
                return None;
            }
            Some((1, exponent.parse().ok()?))
        }
    }
}

fn apply_exponent(mantissa: i128, exponent: i32) -> Option<i128> {
    if exponent >= 0 {
        let factor = 10i128.checked_pow(u32::try_from(exponent).ok()?)?;
        mantissa.checked_mul(factor)
    } else {
        // Below a nano-unit: round up, as Kubernetes does when it caps precision.
        let divisor = match 10i128.checked_pow(exponent.unsigned_abs()) {
            Some(divisor) => divisor,
            None => return Some(i128::from(mantissa != 0)),
        };
        Some((mantissa + divisor - 1) / divisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubernetes_quantities() {
        let cases = [
            ("1", 1.0),
            ("100m", 0.1),
            ("0.5", 0.5),
            ("1.5Gi", 1.5 * 1024.0 * 1024.0 * 1024.0),
            ("128Mi", 128.0 * 1024.0 * 1024.0),
            ("1k", 1000.0),
            ("2e3", 2000.0),
            ("1E-3", 0.001),
            ("-1", -1.0),
            (".5", 0.5),
            ("5.", 5.0),
        ];
        for (text, want) in cases {
            let got = Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(
                (got.as_f64() - want).abs() < 1e-9,
                "{text}: {}",
                got.as_f64()
            );
        }
    }

    #[test]
    fn rejects_malformed_and_huge() {
        for text in [
            "", "abc", "1.2.3", "10MB", "1Gib", "e3", "1e", "--1", "1 Gi", ".",
        ] {
            assert!(Quantity::parse(text).is_err(), "{text}");
        }
        assert!(Quantity::parse("1e400").is_err());
        assert!(Quantity::parse("99999999999999999999999999999999999999999").is_err());
    }

    #[test]
    fn compares_across_suffixes() {
        let q = |t| Quantity::parse(t).unwrap();
        assert!(q("1Gi") > q("1G"));
        assert!(q("500m") < q("1"));
        assert_eq!(q("1000m"), q("1"));
        assert_eq!(q("1024Mi"), q("1Gi"));
    }

    #[test]
    fn displays_compactly() {
        let q = |t| Quantity::parse(t).unwrap().to_string();
        assert_eq!(q("250m"), "250m");
        assert_eq!(q("512Mi"), "512Mi");
        assert_eq!(q("2"), "2");
    }
}
