//! A scripted second platform: a stand-in for Google that keeps its Analytics properties
//! and access bindings in memory, implementing the seam exactly as a real platform must.
//! It is what proves that a platform slots in beside Meta through `PlatformApi` alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use latchkey::actions::Ctx;
use latchkey::actions::platforms::{
    AccessToken, Approval, Holdings, Inventory, NotListed, Offered, Outcome, PlatformApi,
    PlatformError, Removal, Sharing, SignInRefused, SignedIn,
};
use latchkey::domain::access::{Ask, AssetKind, GrantMode, tasks};
use latchkey::domain::{GrantStatus, Platform};
use latchkey::error::AppResult;
use latchkey::i18n::Text;
use latchkey::store::agencies::Agency;
use latchkey::store::grants::Grant;

/// The address the agency has its Analytics access given to.
pub const AGENCY_EMAIL: &str = "analytics@agency.example";
/// The one code the scripted consent screen hands back.
const CODE: &str = "scripted-consent";
const TOKEN: &str = "scripted-token";

/// What the scripted platform holds, for the tests to look at and to change.
#[derive(Default)]
pub struct World {
    /// Property id → name: what the client can share.
    pub properties: Vec<(String, String)>,
    /// Property id → (grantee, role): the access bindings that exist.
    pub bindings: HashMap<String, (String, String)>,
    /// The asks each sign-in was for (to check each platform is asked only its own).
    pub sign_ins: Vec<Vec<Ask>>,
}

#[derive(Clone, Default)]
pub struct Scripted {
    pub world: Arc<Mutex<World>>,
}

impl Scripted {
    /// A client with two Analytics properties.
    pub fn with_properties() -> Self {
        let s = Self::default();
        s.world.lock().unwrap().properties = vec![
            ("properties/4001".into(), "Messy Web (GA4)".into()),
            ("properties/4002".into(), "Messy App (GA4)".into()),
        ];
        s
    }

    fn outcome(&self, asset: &Offered, role: &str, status: GrantStatus) -> Outcome {
        Outcome {
            kind: asset.kind,
            asset_id: asset.id.clone(),
            asset_name: asset.name.clone(),
            owner: None,
            mode: GrantMode::Partner,
            grantee: AGENCY_EMAIL.into(),
            tasks: vec![role.to_owned()],
            status,
            reason: Text::from("Read back from the property's access bindings."),
            existing: false,
            verified: status == GrantStatus::Active,
            platform_ref: String::new(),
        }
    }
}

#[async_trait::async_trait]
impl PlatformApi for Scripted {
    fn platform(&self) -> Platform {
        Platform::Google
    }

    fn sign_in_url(&self, ctx: &Ctx, asks: &[Ask], state: &str, _again: bool) -> String {
        self.world.lock().unwrap().sign_ins.push(asks.to_vec());
        format!("{}/oauth/callback?state={state}&code={CODE}", ctx.base_url)
    }

    async fn signed_in(
        &self,
        _ctx: &Ctx,
        _asks: &[Ask],
        code: &str,
    ) -> AppResult<Result<SignedIn, SignInRefused>> {
        if code != CODE {
            return Ok(Err(SignInRefused::Unconfirmed));
        }
        Ok(Ok(SignedIn {
            token: AccessToken(TOKEN.into()),
            person_id: "g-casey".into(),
            person_name: "Casey Client".into(),
        }))
    }

    async fn inventory(
        &self,
        _ctx: &Ctx,
        token: &AccessToken,
        _asks: &[Ask],
        _agency: &Agency,
    ) -> Result<Inventory, NotListed> {
        assert_eq!(token.expose(), TOKEN, "the flow hands back its own session");
        let world = self.world.lock().unwrap();
        let offered = world
            .properties
            .iter()
            .map(|(id, name)| Offered {
                kind: AssetKind::Ga4Property,
                id: id.clone(),
                name: name.clone(),
                owner: None,
                owner_name: "Messy Co (Analytics account)".into(),
                shareable: true,
                reason: None,
            })
            .collect();
        Ok(Inventory {
            offered,
            unlisted: Vec::new(),
        })
    }

    async fn sharing<'a>(
        &'a self,
        _ctx: &'a Ctx,
        a: Approval<'a>,
        assets: &[Offered],
    ) -> Result<Box<dyn Sharing + 'a>, Text> {
        assert!(assets.iter().all(|x| x.kind == AssetKind::Ga4Property));
        let role = tasks(AssetKind::Ga4Property, a.level(AssetKind::Ga4Property))[0].to_owned();
        Ok(Box::new(Shares {
            platform: self.clone(),
            role,
        }))
    }

    async fn arrange_for_staff(
        &self,
        _ctx: &Ctx,
        _agency: &Agency,
        _staff: &[String],
        _shared: Vec<(String, Vec<String>)>,
    ) -> HashMap<String, String> {
        HashMap::new()
    }

    async fn connected(&self, _ctx: &Ctx, _agency: &Agency) -> AppResult<bool> {
        Ok(true)
    }

    async fn holdings(&self, _ctx: &Ctx, _agency: &Agency) -> Result<Holdings, PlatformError> {
        let world = self.world.lock().unwrap();
        Ok(Holdings {
            held: world.bindings.keys().map(|k| (k.clone(), false)).collect(),
            ..Holdings::default()
        })
    }

    async fn remove(
        &self,
        _ctx: &Ctx,
        _agency: &Agency,
        _client_id: i64,
        grants: Vec<Grant>,
    ) -> Result<Removal, PlatformError> {
        let mut world = self.world.lock().unwrap();
        let mut removal = Removal::default();
        for g in grants {
            assert_eq!(g.platform, Platform::Google, "only its own grants");
            world.bindings.remove(&g.asset_id);
            // Read back: the binding is gone.
            let gone = !world.bindings.contains_key(&g.asset_id);
            removal
                .grants
                .push((g, gone.then_some(()).ok_or_else(String::new)));
        }
        Ok(removal)
    }
}

/// One approval's shares on the scripted platform.
struct Shares {
    platform: Scripted,
    role: String,
}

#[async_trait::async_trait]
impl Sharing for Shares {
    async fn share(&self, asset: &Offered) -> Vec<Outcome> {
        self.platform
            .world
            .lock()
            .unwrap()
            .bindings
            .insert(asset.id.clone(), (AGENCY_EMAIL.into(), self.role.clone()));
        vec![self.read_back(asset).await.unwrap_or_default()]
            .into_iter()
            .flatten()
            .collect()
    }

    async fn read_back(&self, asset: &Offered) -> Option<Vec<Outcome>> {
        let bound = self
            .platform
            .world
            .lock()
            .unwrap()
            .bindings
            .get(&asset.id)
            .cloned();
        Some(vec![match bound {
            Some((_, role)) => self.platform.outcome(asset, &role, GrantStatus::Active),
            None => self
                .platform
                .outcome(asset, &self.role, GrantStatus::Failed),
        }])
    }
}
