//! The sandbox's deterministic demo world: three client businesses (tidy, large, messy),
//! the agency's portfolio, their people, and what each person may do on each asset.

use std::collections::BTreeMap;

use super::world::*;

pub(crate) fn tasks(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| (*s).to_owned()).collect()
}

const PAGE_MANAGE: [&str; 6] = [
    "MANAGE",
    "CREATE_CONTENT",
    "MODERATE",
    "MESSAGING",
    "ADVERTISE",
    "ANALYZE",
];

/// The demo people's ids.
const CASEY: &str = "9100000000000001";
const DANA: &str = "9100000000000002";
const AVA: &str = "9100000000000003";
const MORGAN: &str = "9100000000000004";
/// Casey's managed work account at Messy Co, for after its migration.
const CASEY_WORK: &str = "9100000000000005";

fn seed_people() -> Vec<Person> {
    vec![
        Person {
            id: CASEY.into(),
            name: "Casey Client".into(),
            email: "casey@bloom.example".into(),
        },
        Person {
            id: DANA.into(),
            name: "Dana Analyst".into(),
            email: "dana@messy.example".into(),
        },
        Person {
            id: AVA.into(),
            name: "Ava Agency".into(),
            email: "ava@agency.example".into(),
        },
        Person {
            id: MORGAN.into(),
            name: "Morgan Manager".into(),
            email: "morgan@northwind.example".into(),
        },
        // Casey's managed work account at Messy Co, for after its migration.
        Person {
            id: CASEY_WORK.into(),
            name: "Casey Client (work account)".into(),
            email: "casey@messy.example".into(),
        },
        // The agency's system user: what "connect Meta" in Latchkey's settings uses.
        Person {
            id: SYSTEM_USER.into(),
            name: "Demo Agency System User".into(),
            email: "system@agency.example".into(),
        },
    ]
}

fn seed_businesses() -> Vec<Business> {
    vec![
        Business {
            id: AGENCY_PORTFOLIO.into(),
            name: "Demo Agency Portfolio".into(),
        },
        Business {
            id: BLOOM.into(),
            name: "Bloom Bakery".into(),
        },
        Business {
            id: NORTHWIND.into(),
            name: "Northwind Retail".into(),
        },
        Business {
            id: MESSY.into(),
            name: "Messy Co".into(),
        },
    ]
}

fn seed_members() -> Vec<Member> {
    let member = |b: &str, p: &str, role: &str| Member {
        business_id: b.into(),
        person_id: p.into(),
        bsuid: format!("7{}{}", &b[b.len() - 2..], &p[p.len() - 4..]),
        role: role.into(),
        // Work accounts and system users are not personal accounts.
        managed: p == CASEY_WORK || p == SYSTEM_USER,
    };
    vec![
        member(AGENCY_PORTFOLIO, AVA, "ADMIN"),
        member(BLOOM, CASEY, "ADMIN"),
        member(NORTHWIND, CASEY, "ADMIN"),
        member(NORTHWIND, MORGAN, "ADMIN"),
        member(MESSY, CASEY, "ADMIN"),
        member(MESSY, DANA, "EMPLOYEE"),
        // An agency person inside the client's portfolio: user-based access lives here.
        member(MESSY, AVA, "EMPLOYEE"),
        member(MESSY, CASEY_WORK, "ADMIN"),
        member(AGENCY_PORTFOLIO, SYSTEM_USER, "ADMIN"),
    ]
}

/// Builds the demo world's assets and who holds which tasks on them.
#[derive(Default)]
struct Seeder {
    assets: Vec<Asset>,
    roles: Vec<Role>,
}

impl Seeder {
    fn add(
        &mut self,
        id: String,
        kind: &str,
        name: String,
        owner: Option<&str>,
        who: &[(&str, &[&str])],
    ) {
        for (p, t) in who {
            self.roles.push(Role {
                asset_id: id.clone(),
                person_id: (*p).into(),
                tasks: tasks(t),
            });
        }
        self.assets.push(Asset {
            id,
            kind: kind.into(),
            name,
            owner: owner.map(Into::into),
        });
    }

    /// Bloom Bakery: tidy.
    fn bloom(&mut self) {
        self.add(
            "1100000000000011".into(),
            "page",
            "Bloom Bakery".into(),
            Some(BLOOM),
            &[(CASEY, &PAGE_MANAGE)],
        );
        self.add(
            "1100000000000012".into(),
            "page",
            "Bloom Bakery Catering".into(),
            Some(BLOOM),
            &[(CASEY, &PAGE_MANAGE)],
        );
        self.add(
            "act_2200000011".into(),
            "ad_account",
            "Bloom Bakery Ads".into(),
            Some(BLOOM),
            &[(CASEY, &["MANAGE", "ADVERTISE", "ANALYZE"])],
        );
        self.add(
            "1700000000000011".into(),
            "instagram",
            "bloombakery".into(),
            Some(BLOOM),
            &[(
                CASEY,
                &[
                    "CONTENT",
                    "COMMUNITY_ACTIVITY",
                    "MESSAGES",
                    "ADVERTISE",
                    "ANALYZE",
                ],
            )],
        );
    }

    /// Northwind Retail: large, for pagination.
    fn northwind(&mut self) {
        for i in 1..=120 {
            self.add(
                format!("12000000000{i:05}"),
                "page",
                format!("Northwind Store #{i:03}"),
                Some(NORTHWIND),
                &[(CASEY, &PAGE_MANAGE), (MORGAN, &PAGE_MANAGE)],
            );
        }
        for i in 1..=65 {
            self.add(
                format!("act_23000{i:05}"),
                "ad_account",
                format!("Northwind Ads {i:02}"),
                Some(NORTHWIND),
                &[
                    (CASEY, &["MANAGE", "ADVERTISE", "ANALYZE"]),
                    (MORGAN, &["MANAGE", "ADVERTISE", "ANALYZE"]),
                ],
            );
        }
    }

    /// Messy Co: every awkward case.
    fn messy(&mut self) {
        self.add(
            "1100000000000031".into(),
            "page",
            "Messy Co".into(),
            Some(MESSY),
            &[(CASEY, &PAGE_MANAGE), (DANA, &["ANALYZE"])],
        );
        self.add(
            "1100000000000032".into(),
            "page",
            "Messy Co Old Page".into(),
            None,
            &[(CASEY, &PAGE_MANAGE)],
        );
        self.add(
            "act_2200000031".into(),
            "ad_account",
            "Messy Main Ads".into(),
            Some(MESSY),
            &[(CASEY, &["MANAGE", "ADVERTISE", "ANALYZE"])],
        );
        self.add(
            "act_2200000032".into(),
            "ad_account",
            "Messy Analyst-only Ads".into(),
            Some(MESSY),
            &[(CASEY, &["ANALYZE"])],
        );
        self.add(
            "1800000000000031".into(),
            "catalog",
            "Messy Product Catalog".into(),
            Some(MESSY),
            &[(CASEY, &["MANAGE", "ADVERTISE"])],
        );
        self.add(
            "1900000000000031".into(),
            "pixel",
            "Messy Pixel".into(),
            Some(MESSY),
            &[(CASEY, &["EDIT", "UPLOAD", "ADVERTISE", "ANALYZE"])],
        );
        self.add(
            "1700000000000031".into(),
            "instagram",
            "messyco".into(),
            Some(MESSY),
            &[(
                CASEY,
                &[
                    "CONTENT",
                    "COMMUNITY_ACTIVITY",
                    "MESSAGES",
                    "ADVERTISE",
                    "ANALYZE",
                ],
            )],
        );
    }
}

impl World {
    /// The deterministic demo world.
    pub fn seed() -> Self {
        let mut s = Seeder::default();
        s.bloom();
        s.northwind();
        s.messy();
        let Seeder { assets, mut roles } = s;
        // Casey's work account has the same roles at Messy Co as her personal one.
        let work_roles: Vec<Role> = roles
            .iter()
            .filter(|r| {
                r.person_id == CASEY
                    && assets
                        .iter()
                        .any(|a| a.id == r.asset_id && a.owner.as_deref() == Some(MESSY))
            })
            .map(|r| Role {
                person_id: CASEY_WORK.into(),
                ..r.clone()
            })
            .collect();
        roles.extend(work_roles);
        let ava_in_messy = format!("7{}{}", &MESSY[MESSY.len() - 2..], &AVA[AVA.len() - 4..]);
        Self {
            people: seed_people(),
            businesses: seed_businesses(),
            members: seed_members(),
            assets,
            roles,
            // Already shared before the demo starts, so the picker can say so.
            shares: vec![Share {
                asset_id: "1100000000000012".into(),
                business_id: AGENCY_PORTFOLIO.into(),
                tasks: tasks(&["ADVERTISE", "ANALYZE"]),
                status: "CONFIRMED".into(),
                requested_at: 1_767_225_600,
            }],
            // Existing user-based access of the agency's person: what migration will break.
            assignments: vec![
                Assignment {
                    asset_id: "1100000000000031".into(),
                    bsuid: ava_in_messy.clone(),
                    tasks: tasks(&PAGE_MANAGE),
                },
                Assignment {
                    asset_id: "act_2200000031".into(),
                    bsuid: ava_in_messy,
                    tasks: tasks(&["ADVERTISE", "ANALYZE"]),
                },
            ],
            tokens: BTreeMap::new(),
            codes: BTreeMap::new(),
            migrations: BTreeMap::new(),
            grace_days: 30,
            partnerships: [(AGENCY_PORTFOLIO.to_owned(), BLOOM.to_owned())].into(),
        }
    }
}
