//! Decryption of `1|` frames: Base64 of AES-256-CBC ciphertext with PKCS#7 padding, keyed by
//! the `key` (32 characters) and `iv` (16 characters) strings of the subscribe acknowledgement.
//! Only order/fill notices are encrypted; market data never is.

use aes::Aes256;
use base64::Engine as _;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};

use crate::error::ConfigError;

/// The AES parameters for one TR id.
#[derive(Clone, PartialEq, Eq)]
pub struct NoticeCipher {
    key: [u8; 32],
    iv: [u8; 16],
}

impl std::fmt::Debug for NoticeCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("NoticeCipher(..)")
    }
}

impl NoticeCipher {
    /// Checked constructor: the key must be 32 bytes and the IV 16 bytes of UTF-8.
    pub fn new(key: &str, iv: &str) -> Result<Self, ConfigError> {
        let key: [u8; 32] = key.as_bytes().try_into().map_err(|_| {
            ConfigError::new(
                "key",
                format!("AES-256 key must be 32 bytes, got {}", key.len()),
            )
        })?;
        let iv: [u8; 16] = iv.as_bytes().try_into().map_err(|_| {
            ConfigError::new("iv", format!("AES IV must be 16 bytes, got {}", iv.len()))
        })?;
        Ok(Self { key, iv })
    }

    /// Base64-decodes and decrypts a payload into its plaintext bytes.
    pub fn decrypt(&self, base64_payload: &[u8]) -> Result<Vec<u8>, &'static str> {
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(base64_payload)
            .map_err(|_| "payload is not padded standard Base64")?;
        cbc::Decryptor::<Aes256>::new(&self.key.into(), &self.iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&ciphertext)
            .map_err(|_| "AES-256-CBC decryption failed (wrong key/iv or bad padding)")
    }
}
