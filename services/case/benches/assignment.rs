//! The automatic-assignment decision alone (`domain::assignment::plan`),
//! at the sizes a round meets: a pool of 5 to 50 experts (some away, some
//! with skills) and 1 to 500 waiting cases (a tenth urgent), both spreads.
//! The round's reads and writes under the pool's lock are measured apart,
//! on PostgreSQL, by `scripts/bench-assign`.

#![allow(clippy::unwrap_used, reason = "a benchmark")]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tekmerkez_case::domain::assignment::{Expert, Mode, Waiting, plan};
use uuid::Uuid;

const CATEGORIES: [&str; 6] = [
    "su_arizasi",
    "kanalizasyon",
    "fatura",
    "sayac",
    "su_kalitesi",
    "bilgi_talebi",
];

fn experts(n: usize) -> Vec<Expert> {
    (0..n)
        .map(|i| Expert {
            id: Uuid::from_u128(0x1000 + i as u128),
            capacity: 10 + (i % 3) as u32 * 5,
            held: (i % 7) as u32,
            // Every third expert takes two categories; the rest any.
            skills: if i.is_multiple_of(3) {
                vec![
                    CATEGORIES[i % CATEGORIES.len()].to_owned(),
                    CATEGORIES[(i + 1) % CATEGORIES.len()].to_owned(),
                ]
            } else {
                Vec::new()
            },
            // One in eight away from the desk or on an absence day.
            available: i % 8 != 7,
        })
        .collect()
}

fn waiting(n: usize) -> Vec<Waiting> {
    (0..n)
        .map(|i| Waiting {
            id: Uuid::from_u128(0x10_0000 + i as u128),
            category: CATEGORIES[(i * 7) % CATEGORIES.len()].to_owned(),
            urgent: i.is_multiple_of(10),
        })
        .collect()
}

fn decision(c: &mut Criterion) {
    let mut g = c.benchmark_group("assignment_plan");
    for (n_experts, n_waiting) in [(5, 1), (5, 50), (20, 1), (20, 200), (50, 1), (50, 500)] {
        let (e, w) = (experts(n_experts), waiting(n_waiting));
        let last = Some(e[n_experts / 2].id);
        for mode in [Mode::RoundRobin, Mode::LeastLoaded] {
            let id = BenchmarkId::new(mode.as_str(), format!("{n_experts}x{n_waiting}"));
            g.bench_with_input(id, &(&e, &w), |b, (e, w)| {
                b.iter(|| plan(black_box(mode), black_box(last), e, w));
            });
        }
    }
    g.finish();
}

criterion_group!(benches, decision);
criterion_main!(benches);
