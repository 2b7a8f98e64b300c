//! Reed–Solomon error correction over GF(256) as QR codes use it
//! (ISO/IEC 18004 §7.5.2): field polynomial x⁸+x⁴+x³+x²+1 (0x11d), generator
//! roots α⁰…α^(n−1). Syndromes, Berlekamp–Massey, Chien search, Forney.

/// The field's log and antilog tables, built once at compile time.
struct Tables {
    exp: [u8; 512],
    log: [u8; 256],
}

// Evaluated at compile time only: an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const fn tables() -> Tables {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        exp[i + 255] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11d;
        }
        i += 1;
    }
    exp[510] = exp[0];
    exp[511] = exp[1];
    Tables { exp, log }
}

static GF: Tables = tables();

fn exp(i: usize) -> u8 {
    GF.exp.get(i % 255).copied().unwrap_or(0)
}

fn log(x: u8) -> usize {
    GF.log.get(x as usize).copied().unwrap_or(0) as usize
}

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        GF.exp.get(log(a) + log(b)).copied().unwrap_or(0)
    }
}

fn div(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        exp(log(a) + 255 - log(b))
    }
}

/// Evaluates a polynomial stored lowest degree first at `x`.
fn eval_low_first(poly: &[u8], x: u8) -> u8 {
    poly.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
}

/// Corrects `block` (data then `ec` check bytes, highest degree first) in
/// place. Returns the number of bytes corrected, or `None` when the errors
/// exceed what `ec` check bytes can correct (or are detected as such).
pub fn correct(block: &mut [u8], ec: usize) -> Option<usize> {
    let n = block.len();
    if ec == 0 || ec >= n || n > 255 {
        return None;
    }
    // Syndromes S_j = r(α^j).
    let syndromes: Vec<u8> = (0..ec).map(|j| block.iter().fold(0u8, |acc, &c| mul(acc, exp(j)) ^ c)).collect();
    if syndromes.iter().all(|&s| s == 0) {
        return Some(0);
    }

    // Berlekamp–Massey: the error locator Λ, lowest degree first.
    let mut lambda = vec![0u8; ec + 1];
    let mut prev = vec![0u8; ec + 1];
    *lambda.first_mut()? = 1;
    *prev.first_mut()? = 1;
    let mut l = 0usize;
    let mut m = 1usize;
    let mut b = 1u8;
    for k in 0..ec {
        let mut delta = *syndromes.get(k)?;
        for i in 1..=l {
            delta ^= mul(*lambda.get(i)?, *syndromes.get(k.checked_sub(i)?)?);
        }
        if delta == 0 {
            m += 1;
        } else if 2 * l <= k {
            let saved = lambda.clone();
            let coef = div(delta, b);
            for i in 0..=ec {
                if let (Some(&p), true) = (prev.get(i), i + m <= ec) {
                    *lambda.get_mut(i + m)? ^= mul(coef, p);
                }
            }
            l = k + 1 - l;
            prev = saved;
            b = delta;
            m = 1;
        } else {
            let coef = div(delta, b);
            for i in 0..=ec {
                if let (Some(&p), true) = (prev.get(i), i + m <= ec) {
                    *lambda.get_mut(i + m)? ^= mul(coef, p);
                }
            }
            m += 1;
        }
    }
    if l == 0 || 2 * l > ec {
        return None;
    }
    lambda.truncate(l + 1);

    // Chien search: byte k holds the coefficient of x^(n-1-k); an error at
    // power p makes Λ(α^-p) zero.
    let mut positions = Vec::with_capacity(l);
    for p in 0..n {
        if eval_low_first(&lambda, exp(255 - p % 255)) == 0 {
            positions.push(p);
        }
    }
    if positions.len() != l {
        return None;
    }

    // Forney: Ω = S·Λ mod x^ec; e = X·Ω(X⁻¹)/Λ'(X⁻¹) for first root α⁰.
    let mut omega = vec![0u8; ec];
    for (i, &s) in syndromes.iter().enumerate() {
        for (j, &c) in lambda.iter().enumerate() {
            if let Some(o) = omega.get_mut(i + j) {
                *o ^= mul(s, c);
            }
        }
    }
    // Formal derivative: odd-degree terms shifted down.
    let derivative: Vec<u8> = lambda.iter().enumerate().skip(1).map(|(i, &c)| if i % 2 == 1 { c } else { 0 }).collect();
    for &p in &positions {
        let x = exp(p);
        let x_inv = exp(255 - p % 255);
        let denom = eval_low_first(&derivative, x_inv);
        if denom == 0 {
            return None;
        }
        let magnitude = mul(x, div(eval_low_first(&omega, x_inv), denom));
        let index = n.checked_sub(1 + p)?;
        *block.get_mut(index)? ^= magnitude;
    }
    // The corrected block must be a codeword.
    let clean = (0..ec).all(|j| block.iter().fold(0u8, |acc, &c| mul(acc, exp(j)) ^ c) == 0);
    clean.then_some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends `ec` check bytes to `data` (the encoder, for the tests).
    fn encode(data: &[u8], ec: usize) -> Vec<u8> {
        // Generator Π(x - α^i), highest degree first.
        let mut gen = vec![1u8];
        for i in 0..ec {
            let mut next = vec![0u8; gen.len() + 1];
            for (j, &g) in gen.iter().enumerate() {
                next[j] ^= g;
                next[j + 1] ^= mul(g, exp(i));
            }
            gen = next;
        }
        let mut rem = data.to_vec();
        rem.extend(std::iter::repeat_n(0, ec));
        for i in 0..data.len() {
            let c = rem[i];
            if c != 0 {
                for (j, &g) in gen.iter().enumerate() {
                    rem[i + j] ^= mul(g, c);
                }
            }
        }
        let mut out = data.to_vec();
        out.extend_from_slice(&rem[data.len()..]);
        out
    }

    #[test]
    fn corrects_up_to_half_the_check_bytes_and_refuses_more() {
        let mut seed = 0x1234_5678u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for round in 0..300 {
            let ec = [10usize, 16, 22, 26, 30][round % 5];
            let len = 20 + (next() % 100) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let clean = encode(&data, ec);
            let errors = (next() as usize) % (ec / 2 + 1);
            let mut bad = clean.clone();
            let mut hit = std::collections::BTreeSet::new();
            while hit.len() < errors {
                hit.insert((next() as usize) % bad.len());
            }
            for &i in &hit {
                bad[i] ^= (next() % 255 + 1) as u8;
            }
            assert_eq!(correct(&mut bad, ec), Some(errors), "round {round}");
            assert_eq!(bad, clean);
        }
    }

    #[test]
    fn too_many_errors_never_yield_a_wrong_claim_of_success_silently() {
        let data: Vec<u8> = (0..40u8).collect();
        let clean = encode(&data, 10);
        let mut bad = clean.clone();
        for b in bad.iter_mut().take(8) {
            *b ^= 0x5a;
        }
        // Either refused, or (rarely) a different valid codeword: never the original.
        if correct(&mut bad, 10).is_some() {
            assert_ne!(bad, clean);
        }
    }
}
