//! The hot paths of pack and verify, one at a time: the two digests, the
//! compressor, the archive writer over real files, loading the records,
//! writing the RO-Crate metadata of a large collection and judging its
//! records as verify does, and verify over a bundle.
//!
//! `cargo bench` runs them; `scripts/bench` compares whole commands with
//! other tools.

use std::hint::black_box;
use std::io::Write;

use corpack::bundle::PackedDocument;
use corpack::bundle::writer::{ArchiveWriter, FileSource, WriteOptions};
use corpack::digest::{Algorithm, DigestsHasher, LANES, MultiHasher, Sha512, Sha512Lanes};
use corpack::progress::NoProgress;
use corpack::verify::{VerifyOptions, verify_path};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use flate2::{Compress, Compression, FlushCompress};

const MIB: usize = 1 << 20;

/// Text-like bytes that deflate to about a quarter, and random bytes.
fn sample(compressible: bool, len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    if compressible {
        let words = [
            "archive ",
            "letter ",
            "talk ",
            "the ",
            "of ",
            "provenance ",
            "1937 ",
        ];
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            out.extend_from_slice(words[(next() % words.len() as u64) as usize].as_bytes());
        }
        out.truncate(len);
        out
    } else {
        (0..len).map(|_| next() as u8).collect()
    }
}

fn digests(c: &mut Criterion) {
    let data = sample(false, 16 * MIB);
    let mut group = c.benchmark_group("digests");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("sha256+sha512 in 1 MiB chunks", |b| {
        b.iter(|| {
            let mut hasher = DigestsHasher::new();
            for chunk in data.chunks(MIB) {
                hasher.update(chunk);
            }
            black_box(hasher.finish())
        })
    });
    group.bench_function("sha256+sha512 in 16 KiB chunks (no threads)", |b| {
        b.iter(|| {
            let mut hasher = MultiHasher::new([Algorithm::Sha256, Algorithm::Sha512]);
            for chunk in data.chunks(16 << 10) {
                hasher.update(chunk);
            }
            black_box(hasher.finish())
        })
    });
    group.bench_function("sha512, one stream", |b| {
        b.iter(|| {
            let mut hasher = Sha512::new();
            for chunk in data.chunks(MIB) {
                hasher.update(chunk);
            }
            black_box(hasher.finalize())
        })
    });
    group.bench_function("sha512, eight streams side by side", |b| {
        let streams: Vec<&[u8]> = data.chunks(data.len() / LANES).collect();
        b.iter(|| {
            let mut hasher = Sha512Lanes::new(LANES);
            for at in (0..streams[0].len()).step_by(MIB) {
                let chunks: Vec<&[u8]> = streams
                    .iter()
                    .map(|s| &s[at..(at + MIB).min(s.len())])
                    .collect();
                hasher.update(&chunks);
            }
            black_box(
                (0..LANES)
                    .map(|lane| hasher.finish_stream(lane))
                    .collect::<Vec<_>>(),
            )
        })
    });
    group.finish();
}

fn deflate(c: &mut Criterion) {
    let data = sample(true, 8 * MIB);
    let mut group = c.benchmark_group("deflate");
    group.throughput(Throughput::Bytes(data.len() as u64));
    for level in [1, 3, 6] {
        group.bench_with_input(BenchmarkId::new("level", level), &level, |b, &level| {
            b.iter(|| {
                let mut compress = Compress::new(Compression::new(level), false);
                let mut out = Vec::with_capacity(data.len());
                for chunk in data.chunks(MIB) {
                    compress
                        .compress_vec(chunk, &mut out, FlushCompress::None)
                        .unwrap();
                }
                compress
                    .compress_vec(&[], &mut out, FlushCompress::Finish)
                    .unwrap();
                black_box(out.len())
            })
        });
    }
    group.finish();
}

/// Writes `count` files of `size` bytes into a fresh directory.
fn files(
    dir: &std::path::Path,
    count: usize,
    size: usize,
    compressible: bool,
) -> Vec<FileSource<'static>> {
    let data = sample(compressible, size);
    (0..count)
        .map(|i| {
            let path = dir.join(format!("f{i:05}"));
            std::fs::File::create(&path)
                .unwrap()
                .write_all(&data)
                .unwrap();
            FileSource {
                name: format!("bag/data/f{i:05}").into(),
                dir: std::path::Path::new(""),
                path: path.into(),
            }
        })
        .collect()
}

fn write_archive(sources: &[FileSource], out: &std::path::Path, threads: usize) -> u64 {
    let file = std::fs::File::create(out).unwrap();
    let dir = out.parent().unwrap();
    let options = WriteOptions {
        threads,
        level: corpack::pack::DEFLATE_LEVEL,
        whole_level: corpack::pack::WHOLE_DEFLATE_LEVEL,
    };
    let mut writer = ArchiveWriter::new(file, out, dir, options).unwrap();
    let sources = sources.to_vec();
    writer.add_files(&sources, &|_, _| Ok(()), &|_| {}).unwrap();
    writer.finish().unwrap().file.metadata().unwrap().len()
}

fn archive(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("archive writer");
    group.sample_size(10);
    for (name, count, size, compressible) in [
        ("500 x 16 KiB text", 500, 16 << 10, true),
        ("2 x 16 MiB random", 2, 16 * MIB, false),
    ] {
        let sub = dir.path().join(name.replace(' ', "_"));
        std::fs::create_dir_all(&sub).unwrap();
        let sources = files(&sub, count, size, compressible);
        group.throughput(Throughput::Bytes((count * size) as u64));
        let out = dir.path().join("out.zip");
        group.bench_function(name, |b| b.iter(|| write_archive(&sources, &out, 2)));
    }
    group.finish();
}

/// The text of a `collection.toml` of `count` documents, as
/// `scripts/make-corpus` writes them.
fn records(count: usize) -> String {
    let mut toml = String::from(
        "[collection]\nid = \"b\"\ntitle = \"B\"\ndescription = \"D\"\nlicense = \"CC0-1.0\"\ndate = \"2026-11-25\"\n",
    );
    for i in 0..count {
        toml.push_str(&format!(
            "\n[[document]]\nid = \"d{i:07}\"\ntitle = \"Document {i}\"\n\
             file = \"d{:02}/f{i:07}.txt\"\nmedia_type = \"text/plain\"\nlanguage = \"en\"\n\
             [document.provenance]\nauthors = [\"Author {}\"]\ndate = \"1937~\"\n\
             origin = \"Benchmark corpus\"\n",
            i % 50,
            i % 97
        ));
    }
    toml
}

fn records_and_metadata(c: &mut Criterion) {
    let text = records(20_000);
    let (dir, file) = (
        std::path::Path::new("."),
        std::path::Path::new("collection.toml"),
    );
    let mut group = c.benchmark_group("records");
    group.sample_size(10);
    group.throughput(Throughput::Elements(20_000));
    group.bench_function("load 20,000 records", |b| {
        b.iter(|| black_box(corpack::collection::parse(&text, dir, file).unwrap()))
    });
    let collection = corpack::collection::parse(&text, dir, file)
        .unwrap()
        .to_collection()
        .unwrap();
    let documents: Vec<PackedDocument> = collection
        .documents
        .iter()
        .map(|record| PackedDocument {
            record: std::borrow::Cow::Borrowed(record),
            held: None,
            original_name: None,
        })
        .collect();
    group.bench_function("write the RO-Crate metadata of 20,000 documents", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            corpack::rocrate::write_metadata_json(
                &collection.info,
                &documents.as_slice(),
                None,
                &mut out,
            )
            .unwrap();
            black_box(out)
        })
    });
    let mut metadata = Vec::new();
    corpack::rocrate::write_metadata_json(
        &collection.info,
        &documents.as_slice(),
        None,
        &mut metadata,
    )
    .unwrap();
    group.bench_function("judge the records of 20,000 documents, as verify", |b| {
        b.iter(|| {
            let links = corpack::rocrate::record_links(metadata.as_slice(), None).unwrap();
            let wanted = corpack::rocrate::Wanted {
                stored: None,
                records: false,
            };
            let judged =
                corpack::rocrate::judge_records(&links, metadata.as_slice(), wanted).unwrap();
            assert!(judged.broken.is_empty());
        })
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("c");
    std::fs::create_dir_all(&collection).unwrap();
    let data = sample(true, 4 * MIB);
    let mut toml = String::from(
        "[collection]\nid = \"b\"\ntitle = \"B\"\ndescription = \"D\"\nlicense = \"CC0-1.0\"\ndate = \"2026-11-25\"\n",
    );
    for i in 0..8 {
        std::fs::write(collection.join(format!("f{i}.txt")), &data).unwrap();
        toml.push_str(&format!(
            "[[document]]\nid = \"f{i}\"\ntitle = \"F\"\nfile = \"f{i}.txt\"\n"
        ));
    }
    std::fs::write(collection.join("collection.toml"), toml).unwrap();
    let bundle = dir.path().join("b.zip");
    let options = corpack::pack::PackOptions {
        sources: vec![],
        strict: false,
        force: true,
        threads: 2,
        allow: vec![],
        recheck: true,
    };
    corpack::pack::pack(&collection, &bundle, &options, &NoProgress).unwrap();
    let mut group = c.benchmark_group("verify");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(8 * data.len() as u64));
    group.bench_function("zip bundle, 8 x 4 MiB text", |b| {
        b.iter(|| black_box(verify_path(&bundle, VerifyOptions::default(), &NoProgress).unwrap()))
    });
    group.finish();
}

criterion_group!(
    benches,
    digests,
    deflate,
    archive,
    records_and_metadata,
    verify
);
criterion_main!(benches);
