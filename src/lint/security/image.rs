//! Container image references, split the way the container runtime reads them:
//! `[registry[:port]/]repository[:tag][@algorithm:digest]`.

/// The parts of an image reference that the DS3xx rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry and repository, e.g. `registry:5000/org/img`.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// `algorithm:hex`, e.g. `sha256:0f5b...`.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let image = image.trim();
        let (named, digest) = match image.split_once('@') {
            Some((named, digest)) => (named, Some(digest)),
            None => (image, None),
        };
        // A digest is `algorithm:encoded`; anything else after `@` pins nothing.
        let digest = digest.filter(|d| {
            d.split_once(':')
                .is_some_and(|(algorithm, encoded)| !algorithm.is_empty() && !encoded.is_empty())
        });
        // The tag follows the last `:` of the last path component; a `:` before a `/` is the
        // registry's port.
        let last_component = named.rfind('/').map_or(0, |slash| slash + 1);
        match named[last_component..].rfind(':') {
            Some(colon) => {
                let colon = last_component + colon;
                ImageRef {
                    name: &named[..colon],
                    tag: Some(&named[colon + 1..]).filter(|t| !t.is_empty()),
                    digest,
                }
            }
            None => ImageRef {
                name: named,
                tag: None,
                digest,
            },
        }
    }

    pub fn pinned(&self) -> bool {
        self.digest.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn image_references_split_into_name_tag_and_digest() {
        let cases: &[(&str, &str, Option<&str>, Option<&str>)] = &[
            ("nginx", "nginx", None, None),
            ("nginx:latest", "nginx", Some("latest"), None),
            ("nginx:1.25.3", "nginx", Some("1.25.3"), None),
            ("library/nginx:1.25", "library/nginx", Some("1.25"), None),
            ("registry:5000/org/img", "registry:5000/org/img", None, None),
            (
                "registry:5000/org/img:2",
                "registry:5000/org/img",
                Some("2"),
                None,
            ),
            (
                "localhost:5000/img:latest",
                "localhost:5000/img",
                Some("latest"),
                None,
            ),
            ("img@sha256:abc123", "img", None, Some("sha256:abc123")),
            (
                "img:1.2@sha256:abc123",
                "img",
                Some("1.2"),
                Some("sha256:abc123"),
            ),
            (
                "registry:5000/img@sha256:abc123",
                "registry:5000/img",
                None,
                Some("sha256:abc123"),
            ),
            (
                "ghcr.io/o/img:v1@sha512:ff",
                "ghcr.io/o/img",
                Some("v1"),
                Some("sha512:ff"),
            ),
            ("img@latest", "img", None, None),
            ("img:", "img", None, None),
            ("", "", None, None),
        ];
        for &(image, name, tag, digest) in cases {
            assert_eq!(
                ImageRef::parse(image),
                ImageRef { name, tag, digest },
                "{image}"
            );
        }
        assert!(ImageRef::parse("img:1.2@sha256:abc").pinned());
        assert!(!ImageRef::parse("registry:5000/img").pinned());
    }
}
