# Everything a client reads, in English. Each language has the same ids (a unit test
# checks it). Arguments: $agency (the agency's public name), $client, $sender, $date.

## Dates
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-long = { $day } { $month } { $year }

## Layout
foot-secure = Secure access sharing by Latchkey
lang-switch = Language
form-check = Please check:

## Asset kinds
kind-page = Facebook Page
kind-ad_account = Ad account
kind-instagram = Instagram account
kind-catalog = Product catalog
kind-pixel = Pixel / dataset
kind-ga4_property = Google Analytics property
kind-gtm_container = Tag Manager container
kind-google_ads = Google Ads account
kinds-page = Facebook Pages
kinds-ad_account = Ad accounts
kinds-instagram = Instagram accounts
kinds-catalog = Product catalogs
kinds-pixel = Pixels and datasets
kinds-ga4_property = Google Analytics properties
kinds-gtm_container = Tag Manager containers
kinds-google_ads = Google Ads accounts

## What is asked, per kind and level
ask-page-manage = Manage your Facebook Pages: post, reply to messages and comments, run ads, see insights
ask-page-advertise = Advertise with your Facebook Pages: run ads and see insights
ask-page-view = View your Facebook Pages: see insights
ask-ad_account-manage = Manage your ad accounts: manage campaigns, budgets and billing settings, see reports
ask-ad_account-advertise = Advertise with your ad accounts: create and edit ads, see reports
ask-ad_account-view = View your ad accounts: see reports
ask-instagram-manage = Manage your Instagram accounts: publish content, reply to comments and messages, run ads, see insights
ask-instagram-advertise = Advertise with your Instagram accounts: run ads and see insights
ask-instagram-view = View your Instagram accounts: see insights
ask-catalog-manage = Manage your product catalogs: manage products and use the catalog in ads
ask-catalog-advertise = Advertise with your product catalogs: use the catalog in ads
ask-catalog-view = View your product catalogs: see catalog performance
ask-pixel-manage = Manage your pixels and datasets: edit the pixel, upload events, use it in ads, see its data
ask-pixel-advertise = Advertise with your pixels and datasets: use it in ads and see its data
ask-pixel-view = View your pixels and datasets: see its data
ask-ga4_property-manage = Edit your Google Analytics properties: change settings, audiences and reports
ask-ga4_property-advertise = Analyse your Google Analytics properties: build reports and explorations
ask-ga4_property-view = View your Google Analytics properties: see reports
ask-gtm_container-manage = Publish your Tag Manager containers: edit tags and publish changes to your site
ask-gtm_container-advertise = Edit your Tag Manager containers: change tags, triggers and variables (publishing stays with you)
ask-gtm_container-view = View your Tag Manager containers: see tags, triggers and variables
ask-google_ads-manage = Link your Google Ads accounts to our manager account: we manage campaigns, budgets and reports (you can unlink it at any time)
ask-google_ads-advertise = Link your Google Ads accounts to our manager account: we manage campaigns, budgets and reports (you can unlink it at any time)
ask-google_ads-view = Link your Google Ads accounts to our manager account: we manage campaigns, budgets and reports (you can unlink it at any time)

## The link's landing page
landing-title = Share access
reauth-heading = Keep { $agency }'s access working through your move to managed accounts
reauth-what-label = What is changing at Meta:
reauth-what = your organisation is moving its people to managed Meta accounts (work accounts run by your IT team). Access that { $agency } has through a person's own Facebook account stops working at your organisation's deadline.
reauth-affected = Affected:
reauth-approving-label = What approving does:
reauth-approving = these assets are shared with { $agency }'s business portfolio as partner access, which is not tied to anyone's personal account and survives the move. Nothing else changes, and you can remove it any time in Meta Business Settings.
landing-heading = { $agency } asks for access
landing-intro = { $sender } at { $agency } would like access to some of { $client }'s Meta business assets.
landing-intro-agency = { $agency } would like access to some of { $client }'s Meta business assets.
landing-intro-multi = { $sender } at { $agency } would like access to some of { $client }'s business assets.
landing-intro-agency-multi = { $agency } would like access to some of { $client }'s business assets.
landing-asked = What is asked
landing-choose-next = You choose exactly which Pages and accounts to share on the next screen.
mode-partner-heading = Partner access
mode-partner-body = Assets are shared with { $agency }'s business portfolio, not with a person. It keeps working when people change, and you can remove it at any time in Meta Business Settings → Partners.
mode-user-heading = Access for named people
mode-user-body = Named people at { $agency } get access through their own accounts. You can remove it at any time in Meta Business Settings → People.
landing-expires = This link expires on { $date }.
landing-completed = Access was already approved through this link. You can use it again to share more.
landing-continue = Continue with Facebook
landing-continue-google = Continue with Google
landing-continue-meta = Continue with Facebook
landing-platforms = Share with { $agency } on each platform below, in any order.
landing-platform-done = Shared
done-next-heading = One more step
done-next = Also share on { $platform }
landing-decline-question = Not for you, or not now?
landing-decline-link = Decline this request
landing-not-expecting = Not expecting this? Don't share anything: check with { $agency } first, or decline.

## Declining
decline-title = Decline this request
decline-heading = Decline { $agency }'s request
decline-intro = Nothing is shared. { $agency } is told you declined, with your note if you leave one, and this link closes.
decline-why = Why?
decline-reason-not_for_me = This isn't for me
decline-reason-not_now = Not now
decline-reason-other = Something else
decline-note-label = A note for { $agency } (optional)
decline-submit = Decline the request
decline-back = Back: I want to share access after all
decline-error-reason = Choose why you are declining.
decline-error-note = The note must be at most { $max } characters.
declined-title = Request declined
declined-body = Nothing was shared. { $agency } has been told, and this link is now closed. If you change your mind, ask { $agency } for a new link.

## Links that no longer work
gone-declined-title = You declined this request
gone-declined-body = { $agency } has been told, and this link is closed. If you change your mind, ask them for a new link.
gone-used-title = This link has already been used
gone-used-body = It worked once and is now closed. If you need to share more, ask { $agency } for a new link.
gone-expired-title = This link has expired
gone-expired-body = Ask { $agency } for a new link; it takes them a moment to send one.
gone-replaced-title = This link was replaced
gone-replaced-body = { $agency } sent you a newer link. Check your newest e-mail from { $agency }, or ask { $sender } for a new one.
gone-revoked-title = This link was withdrawn
gone-revoked-body = { $agency } withdrew this request, so the link no longer works. If you expected it, ask { $sender } for a new one.
session-over-title = This approval session has ended
session-over-body = For your security, approval sessions end after 15 minutes without activity. Open the link your agency sent you again to continue.
sign-in-expired-title = This sign-in has expired
sign-in-expired-body = The Facebook sign-in took too long, was already used, or was started in another browser. Open your link again to start over.

## Problems on the way
problem-needs = Latchkey needs permission to:
problem-leave-ticked = When Facebook asks again, leave these ticked.
problem-retry = Try again with Facebook
login-declined-title = You did not log in with Facebook
login-declined-body = Nothing was shared. To share access, log in with Facebook and allow the permissions Latchkey asks for.
login-failed-title = Facebook sign-in did not complete
login-unconfirmed-body = Facebook did not confirm the sign-in. Please try again.
permission-missing-title = A permission is missing
permission-missing-body = To share your assets, Latchkey needs every permission below. Nothing was shared.
inventory-failed-title = We could not load your assets
busy-title = This link is being approved in another window
busy-body = Someone is approving with this link right now. Wait a minute and open it again to see the result.
scope-business_management = manage your business portfolios (business_management)
scope-pages_show_list = see the Pages you manage (pages_show_list)
scope-pages_manage_metadata = read and manage who works on your Pages (pages_manage_metadata)
scope-ads_management = manage your ad accounts and pixels (ads_management)
scope-instagram_basic = see your Instagram accounts (instagram_basic)
scope-catalog_management = manage your product catalogs (catalog_management)
scope-other = a permission Latchkey needs

## What Meta answered, in plain words
graph-transient = Facebook did not answer in time. Please try again in a minute.
graph-throttled = Facebook asked us to slow down. Please try again in a few minutes.
graph-token = Your Facebook login has expired or was changed. Please log in with Facebook again.
graph-app-access = Meta does not yet let this app work with this kind of asset. The agency has been told; you can share the other assets now.
graph-version-gone = Latchkey is set up for a version of Meta's API that Meta no longer serves. The agency has been told and will fix it; please try again later.
graph-permission = You need full control (admin access) of this asset to share it. Ask an admin of the business portfolio to share it, or to give you full control.
graph-already-shared = This asset is already shared with the agency.
graph-not-in-portfolio = This asset is not in a business portfolio you manage. Move it into your business portfolio in Meta Business Settings, then try again.
graph-refused = Facebook refused this request. The agency has been told; you can try again later.

## Why an asset cannot be shared, or how its share stands
reason-no-page-role = You have no role on this Page, so Meta does not let you share it. Ask an admin of { $portfolio } to approve.
reason-not-admin = You are not an admin of this { $kind ->
    [page] Page
    [ad_account] ad account
   *[other] asset
  }: you can see it but not share it. Ask an admin of { $portfolio } to approve, or to give you full control.
reason-portfolio-admin = Only an admin of { $portfolio } can share this { $kind ->
    [instagram] Instagram account
    [catalog] product catalog
    [pixel] pixel
   *[other] asset
  }; you are not one. Ask an admin to approve.
reason-no-portfolio = This Page is not in a business portfolio. In Meta Business Settings → Accounts → Pages, add it to your portfolio, then reload this page.
owner-no-portfolio = Not in a business portfolio
reason-already-shared = Already shared with { $agency }.
reason-not-member = { $email } is not a member of your business portfolio. Add them in Meta Business Settings → People first, then approve again.
reason-confirmed = Confirmed by Meta.
reason-waiting-agency = Meta is waiting for the agency to accept it.
reason-unconfirmed = Meta has not confirmed it yet; it will be checked again.
reason-interrupted = The approval was interrupted before this was shared; nothing was shared for it. You can try again.
reason-interrupted-unchecked = The approval was interrupted and could not be checked with Meta; ask the agency to confirm, or try again.
reason-session-ended = Your Facebook session ended before sharing; nothing was shared. Open your link again.
reason-found-partner = Found on the asset: shared with the agency's portfolio.
reason-found-person = Found on the asset: access through this person's own account.

## Choosing what to share
picker-title = Choose what to share
picker-heading = Choose what to share with { $agency }
picker-logged-in = Logged in as { $person }.
picker-partner-note = Each asset is shared with { $agency }'s business portfolio; you can remove it any time in Meta Business Settings.
picker-google-note = What you choose is shared with { $agency }'s Google account; you can remove it any time in Google Analytics (Admin → Property access management) or Tag Manager (Admin → User Management). Google Ads accounts are linked to { $agency }'s manager account; unlink them in Google Ads (Admin → Access and security → Managers).
google-not-admin = You need the Administrator role on this property (or its account) to give access.
google-not-admin-gtm = You need the Administrator permission on this Tag Manager account to give access.
google-ads-not-admin = You need administrator access to this Google Ads account to link it; ask one of its administrators.
google-ads-two-step = Google Ads asks you to turn on 2-Step Verification for your Google account (myaccount.google.com → Security) before you can link this account; then approve again.
google-ads-too-many-managers = This Google Ads account already has as many manager accounts as Google allows; remove one in Google Ads under Admin → Access and security → Managers, then approve again.
google-ads-linked-already = Already linked to { $agency }'s manager account.
google-ads-managed-elsewhere = Also managed by manager account { $managers }; linking keeps it and adds ours.
google-ads-invited = Invited: waiting for acceptance in Google Ads.
google-unready = { $agency } has not finished setting up Google in Latchkey, so nothing could be shared on Google yet. They have been told; try again later.
picker-user-note = Named people at { $agency } get access to each asset.
picker-unlisted-intro = Some assets could not be listed; you can share the rest now and the others later.
picker-unlisted-line = { $kinds } of { $owner }: couldn't be listed — { $why }
picker-empty = We found no assets of the kinds { $agency } asked for in the business portfolios you manage. Check that you logged in with the right Facebook account.
picker-other-account = Log in with another account
picker-find = Find an asset
picker-find-placeholder = Type part of a name
picker-no-match = No asset matches that name. Check the spelling, or clear the box to see them all.
picker-select-all = Select all in { $portfolio }
picker-cant-share = { $asset }: can't be shared
picker-none-selected = Tick what to share above.
picker-selected = { $count ->
    [one] { $count } asset selected
   *[other] { $count } assets selected
  }
picker-submit = Share with { $agency }
picker-nothing-chosen = Tick at least one asset to share.

## Sharing, and the result
progress-title = Sharing…
progress-heading = Sharing with { $agency }…
progress-assets = { $count ->
    [one] { $count } asset
   *[other] { $count } assets
  }
progress-body = Meta has answered for { $answered } of { $chosen }. This page updates by itself; you can also close it — the sharing goes on, and you will get a receipt by e-mail.
progress-slow = If it takes longer than a minute, Meta is slow right now. Nothing will be shared twice.
progress-refresh = Refresh
done-title = Done
done-nothing-heading = Nothing was shared yet
done-nothing-body = None of the assets you chose could be shared with { $agency }. Here is why, and how to finish.
done-all-heading = Done — thank you!
done-all-body = Here is what was shared with { $agency }. We e-mailed you a receipt.
done-some-heading = Almost done
done-some-body = Some of your assets were shared with { $agency }, some were not. We e-mailed you a receipt of what was shared.
done-shared = Shared
done-remove-later = To remove this access later: in Meta Business Settings (business.facebook.com/settings), open Users → Partners, choose { $agency } and remove the assets; access given to named people is under Users → People.
done-waiting = Waiting for confirmation
done-not-shared = Not shared
done-retry-intro = Fix what the reasons say if needed, then try these again. What was already shared stays shared.
done-retry = { $count ->
    [one] Try again for the asset not shared
   *[other] Try again for the { $count } assets not shared
  }
done-link-open = Your link still works: open it again to try once more, or tell { $agency }.
done-new-link = To share these too, ask { $agency } for a new link.
move-heading = Is your organisation moving to managed Meta accounts?
move-body = If your company switches its people to work accounts managed by your IT team, access resting on personal accounts stops working. Telling { $agency } lets them fix it in time.
move-thanks = Thank you, { $agency } has been told.
move-not_started = No, or not that we know of
move-invited = Yes, people were invited (it is planned)
move-migrating = Yes, it is happening now
move-migrated = It already happened
move-when = When?
move-when-hint = (the date of the move)
move-submit = Tell { $agency }
move-error-choose = Choose one of the answers.
move-error-date = Use a date like 2027-01-31.
move-error-date-needed = Tell us the date of the move, so the agency knows the deadline.

## Error pages
error-code = Error { $status }
error-home = Go to the start page
error-400-title = Something in that request was not right
error-400-body = Go back, check the form and try again.
error-404-title = Page not found
error-404-body = The page does not exist, or the link is no longer valid. Check the address, or ask whoever sent it for a new link.
error-410-title = This link has expired
error-410-body = Ask whoever sent it for a new link.
error-413-title = That was too large
error-413-body = The form you sent was larger than Latchkey accepts. Shorten it and try again.
error-429-title = Too many attempts
error-429-body = Please wait a little and try again.
error-503-title = Latchkey is busy
error-503-body = Please try again in a few seconds.
error-500-title = Something went wrong
error-500-body = We could not complete that. It has been logged; please try again in a minute.

## E-mails to the client
mail-footer = Sent by Latchkey on behalf of { $agency }.
mail-paste = Or paste this link into your browser:
mail-signature = — Latchkey, for { $agency }
mail-review = Review and approve
mail-quote = “{ $message }” — { $sender }
mail-link-subject = { $agency } asks for access to your Facebook business assets
mail-link-heading = Share access with { $agency }
mail-link-intro = { $sender } at { $agency } asks { $client } for access to the following Meta business assets:
mail-link-intro-agency = { $agency } asks { $client } for access to the following Meta business assets:
mail-link-foot = You choose exactly which assets to share, and you can remove access at any time in Meta Business Settings. The link expires on { $date }. Not expecting this? Don't share anything: reply to this e-mail to ask { $sender }, or decline on the page.
mail-link-foot-agency = You choose exactly which assets to share, and you can remove access at any time in Meta Business Settings. The link expires on { $date }. Not expecting this? Don't share anything: check with { $agency } first, or decline on the page.
mail-reminder-subject = Reminder: { $agency } is waiting for access
mail-reminder-heading = { $agency } is still waiting for access
mail-reminder-intro = { $sender } asked { $client } for access to:
mail-reminder-foot = It takes about a minute. The link expires on { $date }.
mail-reauth-link-subject = Keep { $agency }'s access working: reconnect your assets
mail-reauth-link-intro = Your organisation is moving to managed Meta accounts. { $agency } asks { $client } to reconnect these assets through your business portfolio, so { $agency }'s access keeps working after the move:
mail-reauth-reminder-intro = { $sender } asked { $client } to reconnect these assets before the move to managed Meta accounts:
mail-receipt-subject = You shared access with { $agency }
mail-receipt-heading = Your receipt
mail-receipt-intro = { $client } shared these assets with { $agency }:
mail-receipt-foot = You can remove access at any time in Meta Business Settings → Partners.
mail-outcome-granted = shared
mail-outcome-pending = waiting for confirmation
mail-outcome-failed = not shared
mail-reauth-subject = Please reconnect { $agency } by { $date }
mail-reauth-body = Your organisation is moving to managed Meta accounts. { $agency }'s access to these assets rests on a personal account and stops working after { $date }. { $agency } will send you a link to reconnect them through your business portfolio; it takes a minute:
mail-estimated = { $date } (estimated)
error-403-title = You cannot do that
error-403-body = Your account does not have access to this page or action.
error-405-title = Not allowed
error-405-body = That page cannot be used this way.
error-csrf-title = This form has expired
error-csrf-body = For your security the form could not be accepted. Go back, reload the page and try again.
error-wait-seconds = Please wait { $count ->
    [one] { $count } second
   *[other] { $count } seconds
  } and try again.
error-wait-minutes = Please wait { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  } and try again.
error-wait-hours = Please wait { $count ->
    [one] { $count } hour
   *[other] { $count } hours
  } and try again.
asset-line = { $name } ({ $kind ->
    [page] Facebook Page
    [ad_account] Ad account
    [instagram] Instagram account
    [catalog] Product catalog
    [ga4_property] Google Analytics property
    [gtm_container] Tag Manager container
    [google_ads] Google Ads account
   *[pixel] Pixel / dataset
  })
decline-error-note-chars = The note contains characters that are not allowed.
