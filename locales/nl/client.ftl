# Alles wat een klant leest, in het Nederlands.

## Datums
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december
date-long = { $day } { $month } { $year }

## Opmaak
foot-secure = Veilig toegang delen met Latchkey
lang-switch = Taal
form-check = Controleer het volgende:

## Soorten assets
kind-page = Facebook-pagina
kind-ad_account = Advertentieaccount
kind-instagram = Instagram-account
kind-catalog = Productcatalogus
kind-pixel = Pixel / dataset
kind-ga4_property = Google Analytics-property
kind-gtm_container = Tag Manager-container
kind-google_ads = Google Ads-account
kinds-page = Facebook-pagina's
kinds-ad_account = Advertentieaccounts
kinds-instagram = Instagram-accounts
kinds-catalog = Productcatalogi
kinds-pixel = Pixels en datasets
kinds-ga4_property = Google Analytics-property's
kinds-gtm_container = Tag Manager-containers
kinds-google_ads = Google Ads-accounts

## Wat er gevraagd wordt
ask-page-manage = Je Facebook-pagina's beheren: berichten plaatsen, reageren op berichten en opmerkingen, adverteren, statistieken bekijken
ask-page-advertise = Adverteren met je Facebook-pagina's: advertenties plaatsen en statistieken bekijken
ask-page-view = Je Facebook-pagina's bekijken: statistieken bekijken
ask-ad_account-manage = Je advertentieaccounts beheren: campagnes, budgetten en betaalinstellingen beheren, rapporten bekijken
ask-ad_account-advertise = Adverteren met je advertentieaccounts: advertenties maken en bewerken, rapporten bekijken
ask-ad_account-view = Je advertentieaccounts bekijken: rapporten bekijken
ask-instagram-manage = Je Instagram-accounts beheren: content publiceren, reageren op opmerkingen en berichten, adverteren, statistieken bekijken
ask-instagram-advertise = Adverteren met je Instagram-accounts: advertenties plaatsen en statistieken bekijken
ask-instagram-view = Je Instagram-accounts bekijken: statistieken bekijken
ask-catalog-manage = Je productcatalogi beheren: producten beheren en de catalogus in advertenties gebruiken
ask-catalog-advertise = Adverteren met je productcatalogi: de catalogus in advertenties gebruiken
ask-catalog-view = Je productcatalogi bekijken: catalogusprestaties bekijken
ask-pixel-manage = Je pixels en datasets beheren: de pixel bewerken, events uploaden, in advertenties gebruiken, de gegevens bekijken
ask-pixel-advertise = Adverteren met je pixels en datasets: in advertenties gebruiken en de gegevens bekijken
ask-pixel-view = Je pixels en datasets bekijken: de gegevens bekijken
ask-ga4_property-manage = Je Google Analytics-property's bewerken: instellingen, doelgroepen en rapporten wijzigen
ask-ga4_property-advertise = Je Google Analytics-property's analyseren: rapporten en verkenningen maken
ask-ga4_property-view = Je Google Analytics-property's bekijken: rapporten zien
ask-gtm_container-manage = Je Tag Manager-containers publiceren: tags bewerken en wijzigingen op je site publiceren
ask-gtm_container-advertise = Je Tag Manager-containers bewerken: tags, triggers en variabelen wijzigen (publiceren blijft bij jou)
ask-gtm_container-view = Je Tag Manager-containers bekijken: tags, triggers en variabelen zien
ask-google_ads-manage = Je Google Ads-accounts koppelen aan ons manageraccount: wij beheren campagnes, budgetten en rapporten (je kunt de koppeling altijd opheffen)
ask-google_ads-advertise = Je Google Ads-accounts koppelen aan ons manageraccount: wij beheren campagnes, budgetten en rapporten (je kunt de koppeling altijd opheffen)
ask-google_ads-view = Je Google Ads-accounts koppelen aan ons manageraccount: wij beheren campagnes, budgetten en rapporten (je kunt de koppeling altijd opheffen)

## De pagina van de link
landing-title = Toegang delen
reauth-heading = Houd de toegang van { $agency } werkend tijdens je overstap naar beheerde accounts
reauth-what-label = Wat er bij Meta verandert:
reauth-what = je organisatie zet haar mensen over op beheerde Meta-accounts (werkaccounts die je IT-team beheert). Toegang die { $agency } heeft via iemands eigen Facebook-account stopt op de deadline van je organisatie.
reauth-affected = Betreft:
reauth-approving-label = Wat goedkeuren doet:
reauth-approving = deze assets worden als partnertoegang gedeeld met het bedrijfsportfolio van { $agency }; die toegang hangt niet aan iemands persoonlijke account en blijft na de overstap werken. Verder verandert er niets, en je kunt het altijd verwijderen in de bedrijfsinstellingen van Meta.
landing-heading = { $agency } vraagt om toegang
landing-intro = { $sender } van { $agency } wil graag toegang tot enkele Meta-bedrijfsassets van { $client }.
landing-intro-agency = { $agency } wil graag toegang tot enkele Meta-bedrijfsassets van { $client }.
landing-intro-multi = { $sender } van { $agency } wil graag toegang tot enkele bedrijfsassets van { $client }.
landing-intro-agency-multi = { $agency } wil graag toegang tot enkele bedrijfsassets van { $client }.
landing-asked = Wat er gevraagd wordt
landing-choose-next = Op het volgende scherm kies je precies welke pagina's en accounts je deelt.
mode-partner-heading = Partnertoegang
mode-partner-body = Assets worden gedeeld met het bedrijfsportfolio van { $agency }, niet met een persoon. Het blijft werken als mensen wisselen, en je kunt het altijd verwijderen via Meta-bedrijfsinstellingen → Partners.
mode-user-heading = Toegang voor bepaalde personen
mode-user-body = Bepaalde personen bij { $agency } krijgen toegang via hun eigen accounts. Je kunt het altijd verwijderen via Meta-bedrijfsinstellingen → Personen.
landing-expires = Deze link verloopt op { $date }.
landing-completed = Via deze link is al toegang goedgekeurd. Je kunt hem opnieuw gebruiken om meer te delen.
landing-continue = Doorgaan met Facebook
landing-continue-google = Doorgaan met Google
landing-continue-meta = Doorgaan met Facebook
landing-platforms = Deel met { $agency } op elk platform hieronder, in willekeurige volgorde.
landing-platform-done = Gedeeld
done-next-heading = Nog één stap
done-next = Deel ook op { $platform }
landing-decline-question = Niet voor jou, of niet nu?
landing-decline-link = Dit verzoek afwijzen
landing-not-expecting = Verwachtte je dit niet? Deel niets: vraag het eerst na bij { $agency }, of wijs het af.

## Afwijzen
decline-title = Dit verzoek afwijzen
decline-heading = Het verzoek van { $agency } afwijzen
decline-intro = Er wordt niets gedeeld. { $agency } hoort dat je het hebt afgewezen, met je notitie als je er een achterlaat, en deze link wordt gesloten.
decline-why = Waarom?
decline-reason-not_for_me = Dit is niet voor mij
decline-reason-not_now = Nu niet
decline-reason-other = Iets anders
decline-note-label = Een notitie voor { $agency } (optioneel)
decline-submit = Het verzoek afwijzen
decline-back = Terug: ik wil toch toegang delen
decline-error-reason = Kies waarom je afwijst.
decline-error-note = De notitie mag hoogstens { $max } tekens lang zijn.
declined-title = Verzoek afgewezen
declined-body = Er is niets gedeeld. { $agency } is op de hoogte gebracht en deze link is nu gesloten. Bedenk je je, vraag { $agency } dan om een nieuwe link.

## Links die niet meer werken
gone-declined-title = Je hebt dit verzoek afgewezen
gone-declined-body = { $agency } is op de hoogte gebracht en deze link is gesloten. Bedenk je je, vraag dan om een nieuwe link.
gone-used-title = Deze link is al gebruikt
gone-used-body = Hij heeft één keer gewerkt en is nu gesloten. Wil je meer delen, vraag { $agency } dan om een nieuwe link.
gone-expired-title = Deze link is verlopen
gone-expired-body = Vraag { $agency } om een nieuwe link; die is zo verstuurd.
gone-replaced-title = Deze link is vervangen
gone-replaced-body = { $agency } heeft je een nieuwere link gestuurd. Kijk in je nieuwste e-mail van { $agency }, of vraag { $sender } om een nieuwe.
gone-revoked-title = Deze link is ingetrokken
gone-revoked-body = { $agency } heeft dit verzoek ingetrokken; de link werkt niet meer. Verwachtte je hem wel, vraag { $sender } dan om een nieuwe.
session-over-title = Deze goedkeuringssessie is afgelopen
session-over-body = Voor je veiligheid stoppen goedkeuringssessies na 15 minuten zonder activiteit. Open de link van je bureau opnieuw om verder te gaan.
sign-in-expired-title = Deze aanmelding is verlopen
sign-in-expired-body = De Facebook-aanmelding duurde te lang, is al gebruikt of is in een andere browser gestart. Open je link opnieuw om opnieuw te beginnen.

## Problemen onderweg
problem-needs = Latchkey heeft toestemming nodig om:
problem-leave-ticked = Laat deze aangevinkt als Facebook het opnieuw vraagt.
problem-retry = Opnieuw proberen met Facebook
login-declined-title = Je hebt je niet aangemeld met Facebook
login-declined-body = Er is niets gedeeld. Meld je aan met Facebook en geef de toestemmingen die Latchkey vraagt om toegang te delen.
login-failed-title = De Facebook-aanmelding is niet voltooid
login-unconfirmed-body = Facebook heeft de aanmelding niet bevestigd. Probeer het opnieuw.
permission-missing-title = Er ontbreekt een toestemming
permission-missing-body = Om je assets te delen heeft Latchkey alle toestemmingen hieronder nodig. Er is niets gedeeld.
inventory-failed-title = We konden je assets niet laden
busy-title = Deze link wordt in een ander venster goedgekeurd
busy-body = Iemand keurt op dit moment goed met deze link. Wacht een minuut en open hem opnieuw om het resultaat te zien.
scope-business_management = je bedrijfsportfolio's beheren (business_management)
scope-pages_show_list = de pagina's zien die je beheert (pages_show_list)
scope-pages_manage_metadata = zien en beheren wie aan je pagina's werkt (pages_manage_metadata)
scope-ads_management = je advertentieaccounts en pixels beheren (ads_management)
scope-instagram_basic = je Instagram-accounts zien (instagram_basic)
scope-catalog_management = je productcatalogi beheren (catalog_management)
scope-other = een toestemming die Latchkey nodig heeft

## Wat Meta antwoordde
graph-transient = Facebook antwoordde niet op tijd. Probeer het over een minuut opnieuw.
graph-throttled = Facebook vroeg ons het rustiger aan te doen. Probeer het over een paar minuten opnieuw.
graph-token = Je Facebook-aanmelding is verlopen of gewijzigd. Meld je opnieuw aan met Facebook.
graph-app-access = Meta laat deze app nog niet met dit soort asset werken. Het bureau is op de hoogte gebracht; je kunt de andere assets nu delen.
graph-version-gone = Latchkey is ingesteld op een versie van de Meta-API die Meta niet meer aanbiedt. Het bureau is op de hoogte en lost het op; probeer het later opnieuw.
graph-permission = Je hebt volledige controle (beheerderstoegang) over deze asset nodig om hem te delen. Vraag een beheerder van het bedrijfsportfolio om hem te delen of je volledige controle te geven.
graph-already-shared = Deze asset is al gedeeld met het bureau.
graph-not-in-portfolio = Deze asset zit niet in een bedrijfsportfolio dat jij beheert. Verplaats hem naar je bedrijfsportfolio in de Meta-bedrijfsinstellingen en probeer het opnieuw.
graph-refused = Facebook heeft dit verzoek geweigerd. Het bureau is op de hoogte gebracht; je kunt het later opnieuw proberen.

## Waarom een asset niet gedeeld kan worden
reason-no-page-role = Je hebt geen rol op deze pagina, dus Meta laat je hem niet delen. Vraag een beheerder van { $portfolio } om goed te keuren.
reason-not-admin = Je bent geen beheerder van { $kind ->
    [page] deze pagina
    [ad_account] dit advertentieaccount
   *[other] deze asset
  }: je kunt het zien maar niet delen. Vraag een beheerder van { $portfolio } om goed te keuren of je volledige controle te geven.
reason-portfolio-admin = Alleen een beheerder van { $portfolio } kan { $kind ->
    [instagram] dit Instagram-account
    [catalog] deze productcatalogus
    [pixel] deze pixel
   *[other] deze asset
  } delen, en dat ben jij niet. Vraag een beheerder om goed te keuren.
reason-no-portfolio = Deze pagina zit niet in een bedrijfsportfolio. Voeg hem via Meta-bedrijfsinstellingen → Accounts → Pagina's toe aan je portfolio en laad deze pagina opnieuw.
owner-no-portfolio = Niet in een bedrijfsportfolio
reason-already-shared = Al gedeeld met { $agency }.
reason-not-member = { $email } is geen lid van je bedrijfsportfolio. Voeg deze persoon eerst toe via Meta-bedrijfsinstellingen → Personen en keur daarna opnieuw goed.
reason-confirmed = Bevestigd door Meta.
reason-waiting-agency = Meta wacht tot het bureau het accepteert.
reason-unconfirmed = Meta heeft het nog niet bevestigd; het wordt opnieuw gecontroleerd.
reason-interrupted = De goedkeuring werd onderbroken voordat dit gedeeld was; er is niets voor gedeeld. Je kunt het opnieuw proberen.
reason-interrupted-unchecked = De goedkeuring werd onderbroken en kon niet bij Meta gecontroleerd worden; vraag het bureau om bevestiging of probeer het opnieuw.
reason-session-ended = Je Facebook-sessie eindigde voor het delen; er is niets gedeeld. Open je link opnieuw.
reason-found-partner = Gevonden op de asset: gedeeld met het portfolio van het bureau.
reason-found-person = Gevonden op de asset: toegang via het eigen account van deze persoon.

## Kiezen wat je deelt
picker-title = Kies wat je deelt
picker-heading = Kies wat je deelt met { $agency }
picker-logged-in = Aangemeld als { $person }.
picker-partner-note = Elke asset wordt gedeeld met het bedrijfsportfolio van { $agency }; je kunt het altijd verwijderen in de Meta-bedrijfsinstellingen.
picker-google-note = Wat je kiest wordt gedeeld met het Google-account van { $agency }; je kunt het altijd weer verwijderen in Google Analytics (Beheer → Toegangsbeheer voor property) of Tag Manager (Beheer → Gebruikersbeheer). Google Ads-accounts worden gekoppeld aan het manageraccount van { $agency }; ontkoppel ze in Google Ads (Beheer → Toegang en beveiliging → Managers).
google-not-admin = Je hebt de beheerdersrol voor deze property (of het account ervan) nodig om toegang te geven.
google-not-admin-gtm = Je hebt de beheerdersrechten op dit Tag Manager-account nodig om toegang te geven.
google-ads-not-admin = Je hebt beheerderstoegang tot dit Google Ads-account nodig om het te koppelen; vraag het een van de beheerders.
google-ads-two-step = Google Ads vraagt je eerst verificatie in twee stappen voor je Google-account aan te zetten (myaccount.google.com → Beveiliging) voordat je dit account koppelt; keur daarna opnieuw goed.
google-ads-too-many-managers = Dit Google Ads-account heeft al zoveel manageraccounts als Google toestaat; verwijder er een in Google Ads onder Beheer → Toegang en beveiliging → Managers en keur opnieuw goed.
google-ads-linked-already = Al gekoppeld aan het manageraccount van { $agency }.
google-ads-managed-elsewhere = Ook beheerd door manageraccount { $managers }; koppelen houdt dat en voegt het onze toe.
google-ads-invited = Uitgenodigd: wacht op acceptatie in Google Ads.
google-unready = { $agency } heeft Google in Latchkey nog niet helemaal ingesteld, dus er kon nog niets op Google worden gedeeld. Het bureau weet ervan; probeer het later opnieuw.
picker-user-note = Bepaalde personen bij { $agency } krijgen toegang tot elke asset.
picker-unlisted-intro = Sommige assets konden niet worden opgehaald; je kunt de rest nu delen en de andere later.
picker-unlisted-line = { $kinds } van { $owner }: konden niet worden opgehaald — { $why }
picker-empty = We vonden geen assets van de soorten waar { $agency } om vroeg in de bedrijfsportfolio's die je beheert. Controleer of je met het juiste Facebook-account bent aangemeld.
picker-other-account = Aanmelden met een ander account
picker-find = Een asset zoeken
picker-find-placeholder = Typ een deel van een naam
picker-no-match = Geen asset komt overeen met die naam. Controleer de spelling of maak het vak leeg om alles te zien.
picker-select-all = Alles in { $portfolio } selecteren
picker-cant-share = { $asset }: kan niet gedeeld worden
picker-none-selected = Vink hierboven aan wat je wilt delen.
picker-selected = { $count ->
    [one] { $count } asset geselecteerd
   *[other] { $count } assets geselecteerd
  }
picker-submit = Delen met { $agency }
picker-nothing-chosen = Vink minstens één asset aan om te delen.

## Delen en resultaat
progress-title = Bezig met delen…
progress-heading = Bezig met delen met { $agency }…
progress-assets = { $count ->
    [one] { $count } asset
   *[other] { $count } assets
  }
progress-body = Meta heeft geantwoord voor { $answered } van { $chosen }. Deze pagina werkt zichzelf bij; je kunt hem ook sluiten — het delen gaat door en je krijgt een bevestiging per e-mail.
progress-slow = Duurt het langer dan een minuut, dan is Meta nu traag. Niets wordt twee keer gedeeld.
progress-refresh = Vernieuwen
done-title = Klaar
done-nothing-heading = Er is nog niets gedeeld
done-nothing-body = Geen van de gekozen assets kon met { $agency } gedeeld worden. Hier lees je waarom, en hoe je het afrondt.
done-all-heading = Klaar — bedankt!
done-all-body = Dit is gedeeld met { $agency }. We hebben je een bevestiging per e-mail gestuurd.
done-some-heading = Bijna klaar
done-some-body = Een deel van je assets is gedeeld met { $agency }, een deel niet. We hebben je een bevestiging gestuurd van wat gedeeld is.
done-shared = Gedeeld
done-remove-later = Zo verwijder je deze toegang later: open in de Meta-bedrijfsinstellingen (business.facebook.com/settings) Gebruikers → Partners, kies { $agency } en verwijder de assets; toegang voor bepaalde personen staat onder Gebruikers → Personen.
done-waiting = Wacht op bevestiging
done-not-shared = Niet gedeeld
done-retry-intro = Los zo nodig op wat de redenen zeggen en probeer het opnieuw. Wat al gedeeld is, blijft gedeeld.
done-retry = { $count ->
    [one] Opnieuw proberen voor de niet-gedeelde asset
   *[other] Opnieuw proberen voor de { $count } niet-gedeelde assets
  }
done-link-open = Je link werkt nog: open hem opnieuw voor nog een poging, of laat het { $agency } weten.
done-new-link = Vraag { $agency } om een nieuwe link om deze ook te delen.
move-heading = Stapt je organisatie over op beheerde Meta-accounts?
move-body = Als je bedrijf zijn mensen overzet op werkaccounts die je IT-team beheert, stopt toegang die op persoonlijke accounts rust. Als je het { $agency } laat weten, kan het bureau het op tijd oplossen.
move-thanks = Bedankt, { $agency } is op de hoogte gebracht.
move-not_started = Nee, of niet dat we weten
move-invited = Ja, mensen zijn uitgenodigd (het is gepland)
move-migrating = Ja, het gebeurt nu
move-migrated = Het is al gebeurd
move-when = Wanneer?
move-when-hint = (de datum van de overstap)
move-submit = { $agency } laten weten
move-error-choose = Kies een van de antwoorden.
move-error-date = Gebruik een datum als 2027-01-31.
move-error-date-needed = Geef de datum van de overstap, zodat het bureau de deadline kent.

## Foutpagina's
error-code = Fout { $status }
error-home = Naar de startpagina
error-400-title = Er klopte iets niet in dat verzoek
error-400-body = Ga terug, controleer het formulier en probeer het opnieuw.
error-404-title = Pagina niet gevonden
error-404-body = De pagina bestaat niet of de link is niet meer geldig. Controleer het adres of vraag de afzender om een nieuwe link.
error-410-title = Deze link is verlopen
error-410-body = Vraag de afzender om een nieuwe link.
error-413-title = Dat was te groot
error-413-body = Het verzonden formulier is groter dan Latchkey accepteert. Maak het korter en probeer het opnieuw.
error-429-title = Te veel pogingen
error-429-body = Wacht even en probeer het opnieuw.
error-503-title = Latchkey is bezet
error-503-body = Probeer het over een paar seconden opnieuw.
error-500-title = Er ging iets mis
error-500-body = We konden dat niet afronden. Het is vastgelegd; probeer het over een minuut opnieuw.

## E-mails aan de klant
mail-footer = Verstuurd door Latchkey namens { $agency }.
mail-paste = Of plak deze link in je browser:
mail-signature = — Latchkey, voor { $agency }
mail-review = Bekijken en goedkeuren
mail-quote = ‘{ $message }’ — { $sender }
mail-link-subject = { $agency } vraagt toegang tot je Facebook-bedrijfsassets
mail-link-heading = Deel toegang met { $agency }
mail-link-intro = { $sender } van { $agency } vraagt { $client } om toegang tot de volgende Meta-bedrijfsassets:
mail-link-intro-agency = { $agency } vraagt { $client } om toegang tot de volgende Meta-bedrijfsassets:
mail-link-foot = Je kiest precies welke assets je deelt, en je kunt de toegang altijd verwijderen in de Meta-bedrijfsinstellingen. De link verloopt op { $date }. Verwachtte je dit niet? Deel niets: beantwoord deze e-mail om het { $sender } te vragen, of wijs het af op de pagina.
mail-link-foot-agency = Je kiest precies welke assets je deelt, en je kunt de toegang altijd intrekken in de Meta-bedrijfsinstellingen. De link verloopt op { $date }. Verwachtte je dit niet? Deel niets: vraag het eerst na bij { $agency }, of weiger op de pagina.
mail-reminder-subject = Herinnering: { $agency } wacht op toegang
mail-reminder-heading = { $agency } wacht nog op toegang
mail-reminder-intro = { $sender } vroeg { $client } om toegang tot:
mail-reminder-foot = Het duurt ongeveer een minuut. De link verloopt op { $date }.
mail-reauth-link-subject = Houd de toegang van { $agency } werkend: koppel je assets opnieuw
mail-reauth-link-intro = Je organisatie stapt over op beheerde Meta-accounts. { $agency } vraagt { $client } deze assets opnieuw te koppelen via je bedrijfsportfolio, zodat de toegang van { $agency } na de overstap blijft werken:
mail-reauth-reminder-intro = { $sender } vroeg { $client } deze assets opnieuw te koppelen vóór de overstap op beheerde Meta-accounts:
mail-receipt-subject = Je hebt toegang gedeeld met { $agency }
mail-receipt-heading = Je bevestiging
mail-receipt-intro = { $client } heeft deze assets gedeeld met { $agency }:
mail-receipt-foot = Je kunt de toegang altijd verwijderen via Meta-bedrijfsinstellingen → Partners.
mail-outcome-granted = gedeeld
mail-outcome-pending = wacht op bevestiging
mail-outcome-failed = niet gedeeld
mail-reauth-subject = Koppel { $agency } opnieuw vóór { $date }
mail-reauth-body = Je organisatie stapt over op beheerde Meta-accounts. De toegang van { $agency } tot deze assets rust op een persoonlijk account en stopt na { $date }. { $agency } stuurt je een link om ze opnieuw te koppelen via je bedrijfsportfolio; dat duurt een minuut:
mail-estimated = { $date } (geschat)
error-403-title = Dat kun je niet doen
error-403-body = Je account heeft geen toegang tot deze pagina of actie.
error-405-title = Niet toegestaan
error-405-body = Die pagina kan zo niet gebruikt worden.
error-csrf-title = Dit formulier is verlopen
error-csrf-body = Voor je veiligheid kon het formulier niet worden geaccepteerd. Ga terug, laad de pagina opnieuw en probeer het nog eens.
error-wait-seconds = Wacht { $count ->
    [one] { $count } seconde
   *[other] { $count } seconden
  } en probeer het opnieuw.
error-wait-minutes = Wacht { $count ->
    [one] { $count } minuut
   *[other] { $count } minuten
  } en probeer het opnieuw.
error-wait-hours = Wacht { $count ->
    [one] { $count } uur
   *[other] { $count } uur
  } en probeer het opnieuw.
asset-line = { $name } ({ $kind ->
    [page] Facebook-pagina
    [ad_account] Advertentieaccount
    [instagram] Instagram-account
    [catalog] Productcatalogus
    [ga4_property] Google Analytics-property
    [gtm_container] Tag Manager-container
    [google_ads] Google Ads-account
   *[pixel] Pixel / dataset
  })
decline-error-note-chars = De notitie bevat tekens die niet zijn toegestaan.
