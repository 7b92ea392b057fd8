//! Which known word a misspelt one may be, for an error to ask "is it
//! …?".

/// The first of `known` that `word` may be misspelt: the same but for case
/// and punctuation, or two edits apart.
pub fn meant<'k>(word: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let letters = |text: &str| -> String {
        (text.chars())
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let word = letters(word);
    (known.into_iter()).find(|known| strsim::levenshtein(&word, &letters(known)) <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_two_edits_away_is_meant() {
        let known = ["license", "title", "Manifests-Required"];
        assert_eq!(meant("licence", known), Some("license"));
        assert_eq!(meant("titel", known), Some("title"));
        assert_eq!(
            meant("manifests_required", known),
            Some("Manifests-Required")
        );
        assert_eq!(meant("colour", known), None);
    }
}
