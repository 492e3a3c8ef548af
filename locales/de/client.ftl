# Alles, was ein Kunde liest, auf Deutsch.

## Datum
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember
date-long = { $day }. { $month } { $year }

## Layout
foot-secure = Sicheres Teilen von Zugriffen mit Latchkey
lang-switch = Sprache
form-check = Bitte prüfen:

## Asset-Arten
kind-page = Facebook-Seite
kind-ad_account = Werbekonto
kind-instagram = Instagram-Konto
kind-catalog = Produktkatalog
kind-pixel = Pixel / Datensatz
kind-ga4_property = Google-Analytics-Property
kind-gtm_container = Tag-Manager-Container
kind-google_ads = Google-Ads-Konto
kinds-page = Facebook-Seiten
kinds-ad_account = Werbekonten
kinds-instagram = Instagram-Konten
kinds-catalog = Produktkataloge
kinds-pixel = Pixel und Datensätze
kinds-ga4_property = Google-Analytics-Properties
kinds-gtm_container = Tag-Manager-Container
kinds-google_ads = Google-Ads-Konten

## Was angefragt wird
ask-page-manage = Ihre Facebook-Seiten verwalten: posten, auf Nachrichten und Kommentare antworten, Werbung schalten, Statistiken sehen
ask-page-advertise = Mit Ihren Facebook-Seiten werben: Werbung schalten und Statistiken sehen
ask-page-view = Ihre Facebook-Seiten ansehen: Statistiken sehen
ask-ad_account-manage = Ihre Werbekonten verwalten: Kampagnen, Budgets und Zahlungseinstellungen verwalten, Berichte sehen
ask-ad_account-advertise = Mit Ihren Werbekonten werben: Anzeigen erstellen und bearbeiten, Berichte sehen
ask-ad_account-view = Ihre Werbekonten ansehen: Berichte sehen
ask-instagram-manage = Ihre Instagram-Konten verwalten: Inhalte veröffentlichen, auf Kommentare und Nachrichten antworten, Werbung schalten, Statistiken sehen
ask-instagram-advertise = Mit Ihren Instagram-Konten werben: Werbung schalten und Statistiken sehen
ask-instagram-view = Ihre Instagram-Konten ansehen: Statistiken sehen
ask-catalog-manage = Ihre Produktkataloge verwalten: Produkte verwalten und den Katalog in Anzeigen nutzen
ask-catalog-advertise = Mit Ihren Produktkatalogen werben: den Katalog in Anzeigen nutzen
ask-catalog-view = Ihre Produktkataloge ansehen: Katalogleistung sehen
ask-pixel-manage = Ihre Pixel und Datensätze verwalten: das Pixel bearbeiten, Ereignisse hochladen, es in Anzeigen nutzen, seine Daten sehen
ask-pixel-advertise = Mit Ihren Pixeln und Datensätzen werben: sie in Anzeigen nutzen und ihre Daten sehen
ask-pixel-view = Ihre Pixel und Datensätze ansehen: ihre Daten sehen
ask-ga4_property-manage = Ihre Google-Analytics-Properties bearbeiten: Einstellungen, Zielgruppen und Berichte ändern
ask-ga4_property-advertise = Ihre Google-Analytics-Properties analysieren: Berichte und explorative Datenanalysen erstellen
ask-ga4_property-view = Ihre Google-Analytics-Properties ansehen: Berichte sehen
ask-gtm_container-manage = Ihre Tag-Manager-Container veröffentlichen: Tags bearbeiten und Änderungen auf Ihrer Website veröffentlichen
ask-gtm_container-advertise = Ihre Tag-Manager-Container bearbeiten: Tags, Trigger und Variablen ändern (das Veröffentlichen bleibt bei Ihnen)
ask-gtm_container-view = Ihre Tag-Manager-Container ansehen: Tags, Trigger und Variablen sehen
ask-google_ads-manage = Ihre Google-Ads-Konten mit unserem Verwaltungskonto verknüpfen: Wir verwalten Kampagnen, Budgets und Berichte (Sie können die Verknüpfung jederzeit aufheben)
ask-google_ads-advertise = Ihre Google-Ads-Konten mit unserem Verwaltungskonto verknüpfen: Wir verwalten Kampagnen, Budgets und Berichte (Sie können die Verknüpfung jederzeit aufheben)
ask-google_ads-view = Ihre Google-Ads-Konten mit unserem Verwaltungskonto verknüpfen: Wir verwalten Kampagnen, Budgets und Berichte (Sie können die Verknüpfung jederzeit aufheben)

## Die Seite des Links
landing-title = Zugriff teilen
reauth-heading = Der Zugriff von { $agency } bleibt beim Umstieg auf verwaltete Konten erhalten
reauth-what-label = Was sich bei Meta ändert:
reauth-what = Ihre Organisation stellt ihre Mitarbeitenden auf verwaltete Meta-Konten um (Arbeitskonten, die Ihre IT verwaltet). Zugriff, den { $agency } über das private Facebook-Konto einer Person hat, endet mit der Frist Ihrer Organisation.
reauth-affected = Betroffen:
reauth-approving-label = Was die Freigabe bewirkt:
reauth-approving = Diese Assets werden als Partnerzugriff mit dem Business-Portfolio von { $agency } geteilt. Dieser Zugriff hängt an keinem privaten Konto und übersteht den Umstieg. Sonst ändert sich nichts, und Sie können ihn jederzeit in den Meta-Unternehmenseinstellungen entfernen.
landing-heading = { $agency } bittet um Zugriff
landing-intro = { $sender } von { $agency } möchte auf einige Meta-Business-Assets von { $client } zugreifen.
landing-intro-agency = { $agency } möchte Zugriff auf einige Meta-Business-Assets von { $client }.
landing-intro-multi = { $sender } von { $agency } möchte auf einige Business-Assets von { $client } zugreifen.
landing-intro-agency-multi = { $agency } möchte Zugriff auf einige Business-Assets von { $client }.
landing-asked = Was angefragt wird
landing-choose-next = Auf der nächsten Seite wählen Sie genau aus, welche Seiten und Konten Sie teilen.
mode-partner-heading = Partnerzugriff
mode-partner-body = Die Assets werden mit dem Business-Portfolio von { $agency } geteilt, nicht mit einer Person. Der Zugriff bleibt bestehen, wenn Personen wechseln, und Sie können ihn jederzeit unter Meta-Unternehmenseinstellungen → Partner entfernen.
mode-user-heading = Zugriff für bestimmte Personen
mode-user-body = Bestimmte Personen bei { $agency } erhalten Zugriff über ihre eigenen Konten. Sie können ihn jederzeit unter Meta-Unternehmenseinstellungen → Personen entfernen.
landing-expires = Dieser Link läuft am { $date } ab.
landing-completed = Über diesen Link wurde bereits Zugriff freigegeben. Sie können ihn erneut nutzen, um mehr zu teilen.
landing-continue = Weiter mit Facebook
landing-continue-google = Weiter mit Google
landing-continue-meta = Weiter mit Facebook
landing-platforms = Teilen Sie mit { $agency } auf jeder Plattform unten, in beliebiger Reihenfolge.
landing-platform-done = Geteilt
done-next-heading = Noch ein Schritt
done-next = Auch auf { $platform } teilen
landing-decline-question = Nicht für Sie, oder nicht jetzt?
landing-decline-link = Diese Anfrage ablehnen
landing-not-expecting = Nicht erwartet? Teilen Sie nichts: Fragen Sie zuerst bei { $agency } nach, oder lehnen Sie ab.

## Ablehnen
decline-title = Diese Anfrage ablehnen
decline-heading = Die Anfrage von { $agency } ablehnen
decline-intro = Es wird nichts geteilt. { $agency } erfährt, dass Sie abgelehnt haben, mit Ihrer Notiz, falls Sie eine hinterlassen, und dieser Link wird geschlossen.
decline-why = Warum?
decline-reason-not_for_me = Das ist nicht für mich
decline-reason-not_now = Nicht jetzt
decline-reason-other = Etwas anderes
decline-note-label = Eine Notiz für { $agency } (optional)
decline-submit = Anfrage ablehnen
decline-back = Zurück: Ich möchte doch Zugriff teilen
decline-error-reason = Wählen Sie, warum Sie ablehnen.
decline-error-note = Die Notiz darf höchstens { $max } Zeichen lang sein.
declined-title = Anfrage abgelehnt
declined-body = Es wurde nichts geteilt. { $agency } wurde informiert, und dieser Link ist jetzt geschlossen. Wenn Sie es sich anders überlegen, bitten Sie { $agency } um einen neuen Link.

## Links, die nicht mehr gelten
gone-declined-title = Sie haben diese Anfrage abgelehnt
gone-declined-body = { $agency } wurde informiert, und dieser Link ist geschlossen. Wenn Sie es sich anders überlegen, bitten Sie um einen neuen Link.
gone-used-title = Dieser Link wurde bereits verwendet
gone-used-body = Er hat einmal funktioniert und ist jetzt geschlossen. Wenn Sie mehr teilen möchten, bitten Sie { $agency } um einen neuen Link.
gone-expired-title = Dieser Link ist abgelaufen
gone-expired-body = Bitten Sie { $agency } um einen neuen Link; das geht schnell.
gone-replaced-title = Dieser Link wurde ersetzt
gone-replaced-body = { $agency } hat Ihnen einen neueren Link geschickt. Sehen Sie in der neuesten E-Mail von { $agency } nach, oder bitten Sie { $sender } um einen neuen.
gone-revoked-title = Dieser Link wurde zurückgezogen
gone-revoked-body = { $agency } hat diese Anfrage zurückgezogen, der Link funktioniert nicht mehr. Falls Sie ihn erwartet haben, bitten Sie { $sender } um einen neuen.
session-over-title = Diese Freigabesitzung ist beendet
session-over-body = Zu Ihrer Sicherheit enden Freigabesitzungen nach 15 Minuten ohne Aktivität. Öffnen Sie den Link Ihrer Agentur erneut, um fortzufahren.
sign-in-expired-title = Diese Anmeldung ist abgelaufen
sign-in-expired-body = Die Facebook-Anmeldung hat zu lange gedauert, wurde bereits verwendet oder in einem anderen Browser begonnen. Öffnen Sie Ihren Link erneut, um neu zu beginnen.

## Probleme unterwegs
problem-needs = Latchkey braucht die Berechtigung, um:
problem-leave-ticked = Wenn Facebook erneut fragt, lassen Sie diese angehakt.
problem-retry = Erneut mit Facebook versuchen
login-declined-title = Sie haben sich nicht mit Facebook angemeldet
login-declined-body = Es wurde nichts geteilt. Um Zugriff zu teilen, melden Sie sich mit Facebook an und erlauben Sie die Berechtigungen, um die Latchkey bittet.
login-failed-title = Die Facebook-Anmeldung wurde nicht abgeschlossen
login-unconfirmed-body = Facebook hat die Anmeldung nicht bestätigt. Bitte versuchen Sie es erneut.
permission-missing-title = Eine Berechtigung fehlt
permission-missing-body = Um Ihre Assets zu teilen, braucht Latchkey alle unten genannten Berechtigungen. Es wurde nichts geteilt.
inventory-failed-title = Wir konnten Ihre Assets nicht laden
busy-title = Dieser Link wird gerade in einem anderen Fenster freigegeben
busy-body = Jemand gibt gerade mit diesem Link frei. Warten Sie eine Minute und öffnen Sie ihn erneut, um das Ergebnis zu sehen.
scope-business_management = Ihre Business-Portfolios verwalten (business_management)
scope-pages_show_list = die von Ihnen verwalteten Seiten sehen (pages_show_list)
scope-pages_manage_metadata = sehen und verwalten, wer an Ihren Seiten arbeitet (pages_manage_metadata)
scope-ads_management = Ihre Werbekonten und Pixel verwalten (ads_management)
scope-instagram_basic = Ihre Instagram-Konten sehen (instagram_basic)
scope-catalog_management = Ihre Produktkataloge verwalten (catalog_management)
scope-other = eine Berechtigung, die Latchkey braucht

## Was Meta geantwortet hat
graph-transient = Facebook hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es in einer Minute erneut.
graph-throttled = Facebook hat uns gebeten, langsamer zu machen. Bitte versuchen Sie es in ein paar Minuten erneut.
graph-token = Ihre Facebook-Anmeldung ist abgelaufen oder wurde geändert. Bitte melden Sie sich erneut mit Facebook an.
graph-app-access = Meta erlaubt dieser App die Arbeit mit dieser Asset-Art noch nicht. Die Agentur wurde informiert; Sie können die anderen Assets jetzt teilen.
graph-version-gone = Latchkey ist für eine Version der Meta-API eingerichtet, die Meta nicht mehr anbietet. Die Agentur wurde informiert und behebt das; bitte versuchen Sie es später erneut.
graph-permission = Zum Teilen brauchen Sie volle Kontrolle (Administratorzugriff) über dieses Asset. Bitten Sie einen Administrator des Business-Portfolios, es zu teilen oder Ihnen volle Kontrolle zu geben.
graph-already-shared = Dieses Asset ist bereits mit der Agentur geteilt.
graph-not-in-portfolio = Dieses Asset gehört zu keinem Business-Portfolio, das Sie verwalten. Verschieben Sie es in den Meta-Unternehmenseinstellungen in Ihr Business-Portfolio und versuchen Sie es erneut.
graph-refused = Facebook hat diese Anfrage abgelehnt. Die Agentur wurde informiert; Sie können es später erneut versuchen.

## Warum ein Asset nicht geteilt werden kann
reason-no-page-role = Sie haben keine Rolle auf dieser Seite, daher lässt Meta Sie sie nicht teilen. Bitten Sie einen Administrator von { $portfolio }, freizugeben.
reason-not-admin = Sie sind kein Administrator { $kind ->
    [page] dieser Seite
    [ad_account] dieses Werbekontos
   *[other] dieses Assets
  }: Sie können es sehen, aber nicht teilen. Bitten Sie einen Administrator von { $portfolio }, freizugeben oder Ihnen volle Kontrolle zu geben.
reason-portfolio-admin = Nur ein Administrator von { $portfolio } kann { $kind ->
    [instagram] dieses Instagram-Konto
    [catalog] diesen Produktkatalog
    [pixel] dieses Pixel
   *[other] dieses Asset
  } teilen; Sie sind keiner. Bitten Sie einen Administrator, freizugeben.
reason-no-portfolio = Diese Seite gehört zu keinem Business-Portfolio. Fügen Sie sie unter Meta-Unternehmenseinstellungen → Konten → Seiten Ihrem Portfolio hinzu und laden Sie diese Seite neu.
owner-no-portfolio = In keinem Business-Portfolio
reason-already-shared = Bereits mit { $agency } geteilt.
reason-not-member = { $email } ist kein Mitglied Ihres Business-Portfolios. Fügen Sie die Person zuerst unter Meta-Unternehmenseinstellungen → Personen hinzu und geben Sie dann erneut frei.
reason-confirmed = Von Meta bestätigt.
reason-waiting-agency = Meta wartet darauf, dass die Agentur annimmt.
reason-unconfirmed = Meta hat es noch nicht bestätigt; es wird erneut geprüft.
reason-interrupted = Die Freigabe wurde unterbrochen, bevor dies geteilt wurde; dafür wurde nichts geteilt. Sie können es erneut versuchen.
reason-interrupted-unchecked = Die Freigabe wurde unterbrochen und konnte nicht bei Meta geprüft werden; bitten Sie die Agentur um Bestätigung oder versuchen Sie es erneut.
reason-session-ended = Ihre Facebook-Sitzung endete vor dem Teilen; es wurde nichts geteilt. Öffnen Sie Ihren Link erneut.
reason-found-partner = Am Asset gefunden: mit dem Portfolio der Agentur geteilt.
reason-found-person = Am Asset gefunden: Zugriff über das eigene Konto dieser Person.

## Auswählen, was geteilt wird
picker-title = Auswählen, was geteilt wird
picker-heading = Wählen Sie aus, was Sie mit { $agency } teilen
picker-logged-in = Angemeldet als { $person }.
picker-partner-note = Jedes Asset wird mit dem Business-Portfolio von { $agency } geteilt; Sie können es jederzeit in den Meta-Unternehmenseinstellungen entfernen.
picker-google-note = Was Sie auswählen, wird für das Google-Konto von { $agency } freigegeben; Sie können es jederzeit in Google Analytics (Verwaltung → Zugriffsverwaltung für Properties) oder im Tag Manager (Verwaltung → Nutzerverwaltung) entfernen. Google-Ads-Konten werden mit dem Verwaltungskonto von { $agency } verknüpft; die Verknüpfung heben Sie in Google Ads auf (Verwaltung → Zugriff und Sicherheit → Verwaltungskonten).
google-not-admin = Sie benötigen die Administratorrolle für diese Property (oder ihr Konto), um Zugriff zu gewähren.
google-not-admin-gtm = Sie benötigen die Administratorberechtigung für dieses Tag-Manager-Konto, um Zugriff zu gewähren.
google-ads-not-admin = Sie benötigen Administratorzugriff auf dieses Google-Ads-Konto, um es zu verknüpfen; fragen Sie einen seiner Administratoren.
google-ads-two-step = Google Ads verlangt, dass Sie die Bestätigung in zwei Schritten für Ihr Google-Konto aktivieren (myaccount.google.com → Sicherheit), bevor Sie dieses Konto verknüpfen; genehmigen Sie danach erneut.
google-ads-too-many-managers = Dieses Google-Ads-Konto hat bereits so viele Verwaltungskonten, wie Google erlaubt; entfernen Sie eines in Google Ads unter Verwaltung → Zugriff und Sicherheit → Verwaltungskonten und genehmigen Sie erneut.
google-ads-linked-already = Bereits mit dem Verwaltungskonto von { $agency } verknüpft.
google-ads-managed-elsewhere = Wird auch von Verwaltungskonto { $managers } verwaltet; die Verknüpfung behält es und fügt unseres hinzu.
google-ads-invited = Eingeladen: wartet auf Annahme in Google Ads.
google-unready = { $agency } hat Google in Latchkey noch nicht fertig eingerichtet, daher konnte auf Google noch nichts geteilt werden. Die Agentur weiß Bescheid; versuchen Sie es später erneut.
picker-user-note = Bestimmte Personen bei { $agency } erhalten Zugriff auf jedes Asset.
picker-unlisted-intro = Einige Assets konnten nicht aufgelistet werden; Sie können den Rest jetzt teilen und die anderen später.
picker-unlisted-line = { $kinds } von { $owner }: konnten nicht aufgelistet werden — { $why }
picker-empty = In den Business-Portfolios, die Sie verwalten, haben wir keine Assets der Arten gefunden, die { $agency } angefragt hat. Prüfen Sie, ob Sie mit dem richtigen Facebook-Konto angemeldet sind.
picker-other-account = Mit einem anderen Konto anmelden
picker-find = Ein Asset suchen
picker-find-placeholder = Teil eines Namens eingeben
picker-no-match = Kein Asset passt zu diesem Namen. Prüfen Sie die Schreibweise oder leeren Sie das Feld, um alle zu sehen.
picker-select-all = Alle in { $portfolio } auswählen
picker-cant-share = { $asset }: kann nicht geteilt werden
picker-none-selected = Haken Sie oben an, was Sie teilen möchten.
picker-selected = { $count ->
    [one] { $count } Asset ausgewählt
   *[other] { $count } Assets ausgewählt
  }
picker-submit = Mit { $agency } teilen
picker-nothing-chosen = Haken Sie mindestens ein Asset zum Teilen an.

## Teilen und Ergebnis
progress-title = Wird geteilt…
progress-heading = Wird mit { $agency } geteilt…
progress-assets = { $count ->
    [one] { $count } Asset
   *[other] { $count } Assets
  }
progress-body = Meta hat für { $answered } von { $chosen } geantwortet. Diese Seite aktualisiert sich selbst; Sie können sie auch schließen — das Teilen läuft weiter, und Sie erhalten eine Bestätigung per E-Mail.
progress-slow = Dauert es länger als eine Minute, ist Meta gerade langsam. Nichts wird doppelt geteilt.
progress-refresh = Aktualisieren
done-title = Fertig
done-nothing-heading = Es wurde noch nichts geteilt
done-nothing-body = Keines der gewählten Assets konnte mit { $agency } geteilt werden. Hier steht, warum, und wie Sie es abschließen.
done-all-heading = Fertig — vielen Dank!
done-all-body = Das wurde mit { $agency } geteilt. Wir haben Ihnen eine Bestätigung per E-Mail geschickt.
done-some-heading = Fast fertig
done-some-body = Einige Ihrer Assets wurden mit { $agency } geteilt, andere nicht. Wir haben Ihnen eine Bestätigung über das Geteilte geschickt.
done-shared = Geteilt
done-remove-later = So entfernen Sie diesen Zugriff später: Öffnen Sie in den Meta-Unternehmenseinstellungen (business.facebook.com/settings) Nutzer → Partner, wählen Sie { $agency } und entfernen Sie die Assets; Zugriff für bestimmte Personen finden Sie unter Nutzer → Personen.
done-waiting = Wartet auf Bestätigung
done-not-shared = Nicht geteilt
done-retry-intro = Beheben Sie bei Bedarf, was in den Gründen steht, und versuchen Sie es erneut. Bereits Geteiltes bleibt geteilt.
done-retry = { $count ->
    [one] Das nicht geteilte Asset erneut versuchen
   *[other] Die { $count } nicht geteilten Assets erneut versuchen
  }
done-link-open = Ihr Link funktioniert noch: Öffnen Sie ihn erneut für einen weiteren Versuch, oder sagen Sie { $agency } Bescheid.
done-new-link = Um auch diese zu teilen, bitten Sie { $agency } um einen neuen Link.
move-heading = Stellt Ihre Organisation auf verwaltete Meta-Konten um?
move-body = Wenn Ihr Unternehmen seine Mitarbeitenden auf Arbeitskonten umstellt, die Ihre IT verwaltet, endet Zugriff, der auf privaten Konten beruht. Wenn Sie es { $agency } sagen, kann die Agentur rechtzeitig handeln.
move-thanks = Danke, { $agency } wurde informiert.
move-not_started = Nein, oder nicht dass wir wüssten
move-invited = Ja, Personen wurden eingeladen (es ist geplant)
move-migrating = Ja, es passiert gerade
move-migrated = Es ist bereits geschehen
move-when = Wann?
move-when-hint = (das Datum der Umstellung)
move-submit = { $agency } informieren
move-error-choose = Wählen Sie eine der Antworten.
move-error-date = Verwenden Sie ein Datum wie 2027-01-31.
move-error-date-needed = Nennen Sie uns das Datum der Umstellung, damit die Agentur die Frist kennt.

## Fehlerseiten
error-code = Fehler { $status }
error-home = Zur Startseite
error-400-title = Mit dieser Anfrage stimmte etwas nicht
error-400-body = Gehen Sie zurück, prüfen Sie das Formular und versuchen Sie es erneut.
error-404-title = Seite nicht gefunden
error-404-body = Die Seite existiert nicht, oder der Link ist nicht mehr gültig. Prüfen Sie die Adresse oder bitten Sie den Absender um einen neuen Link.
error-410-title = Dieser Link ist abgelaufen
error-410-body = Bitten Sie den Absender um einen neuen Link.
error-413-title = Das war zu groß
error-413-body = Das gesendete Formular ist größer, als Latchkey annimmt. Kürzen Sie es und versuchen Sie es erneut.
error-429-title = Zu viele Versuche
error-429-body = Bitte warten Sie kurz und versuchen Sie es erneut.
error-503-title = Latchkey ist ausgelastet
error-503-body = Bitte versuchen Sie es in ein paar Sekunden erneut.
error-500-title = Etwas ist schiefgelaufen
error-500-body = Wir konnten das nicht abschließen. Es wurde protokolliert; bitte versuchen Sie es in einer Minute erneut.

## E-Mails an den Kunden
mail-footer = Von Latchkey im Auftrag von { $agency } gesendet.
mail-paste = Oder fügen Sie diesen Link in Ihren Browser ein:
mail-signature = — Latchkey, für { $agency }
mail-review = Prüfen und freigeben
mail-quote = „{ $message }“ — { $sender }
mail-link-subject = { $agency } bittet um Zugriff auf Ihre Facebook-Business-Assets
mail-link-heading = Zugriff mit { $agency } teilen
mail-link-intro = { $sender } von { $agency } bittet { $client } um Zugriff auf die folgenden Meta-Business-Assets:
mail-link-intro-agency = { $agency } bittet { $client } um Zugriff auf die folgenden Meta-Business-Assets:
mail-link-foot = Sie wählen genau aus, welche Assets Sie teilen, und können den Zugriff jederzeit in den Meta-Unternehmenseinstellungen entfernen. Der Link läuft am { $date } ab. Nicht erwartet? Teilen Sie nichts: Antworten Sie auf diese E-Mail, um { $sender } zu fragen, oder lehnen Sie auf der Seite ab.
mail-link-foot-agency = Sie wählen genau, welche Assets Sie teilen, und können den Zugriff jederzeit in den Meta-Unternehmenseinstellungen entfernen. Der Link läuft am { $date } ab. Sie haben das nicht erwartet? Teilen Sie nichts: fragen Sie zuerst bei { $agency } nach, oder lehnen Sie auf der Seite ab.
mail-reminder-subject = Erinnerung: { $agency } wartet auf Zugriff
mail-reminder-heading = { $agency } wartet noch auf Zugriff
mail-reminder-intro = { $sender } hat { $client } um Zugriff gebeten auf:
mail-reminder-foot = Es dauert etwa eine Minute. Der Link läuft am { $date } ab.
mail-reauth-link-subject = Damit der Zugriff von { $agency } bleibt: verbinden Sie Ihre Assets neu
mail-reauth-link-intro = Ihre Organisation wechselt zu verwalteten Meta-Konten. { $agency } bittet { $client }, diese Assets über Ihr Business-Portfolio neu zu verbinden, damit der Zugriff von { $agency } nach dem Wechsel weiter funktioniert:
mail-reauth-reminder-intro = { $sender } hat { $client } gebeten, diese Assets vor dem Wechsel zu verwalteten Meta-Konten neu zu verbinden:
mail-receipt-subject = Sie haben Zugriff mit { $agency } geteilt
mail-receipt-heading = Ihre Bestätigung
mail-receipt-intro = { $client } hat diese Assets mit { $agency } geteilt:
mail-receipt-foot = Sie können den Zugriff jederzeit unter Meta-Unternehmenseinstellungen → Partner entfernen.
mail-outcome-granted = geteilt
mail-outcome-pending = wartet auf Bestätigung
mail-outcome-failed = nicht geteilt
mail-reauth-subject = Bitte verbinden Sie { $agency } bis zum { $date } neu
mail-reauth-body = Ihre Organisation stellt auf verwaltete Meta-Konten um. Der Zugriff von { $agency } auf diese Assets beruht auf einem privaten Konto und endet nach dem { $date }. { $agency } schickt Ihnen einen Link, um sie über Ihr Business-Portfolio neu zu verbinden; das dauert eine Minute:
mail-estimated = { $date } (geschätzt)
error-403-title = Das können Sie nicht tun
error-403-body = Ihr Konto hat keinen Zugriff auf diese Seite oder Aktion.
error-405-title = Nicht erlaubt
error-405-body = Diese Seite kann so nicht verwendet werden.
error-csrf-title = Dieses Formular ist abgelaufen
error-csrf-body = Zu Ihrer Sicherheit konnte das Formular nicht angenommen werden. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.
error-wait-seconds = Bitte warten Sie { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
  } und versuchen Sie es erneut.
error-wait-minutes = Bitte warten Sie { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
  } und versuchen Sie es erneut.
error-wait-hours = Bitte warten Sie { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
  } und versuchen Sie es erneut.
asset-line = { $name } ({ $kind ->
    [page] Facebook-Seite
    [ad_account] Werbekonto
    [instagram] Instagram-Konto
    [catalog] Produktkatalog
    [ga4_property] Google-Analytics-Property
    [gtm_container] Tag-Manager-Container
    [google_ads] Google-Ads-Konto
   *[pixel] Pixel / Datensatz
  })
decline-error-note-chars = Die Notiz enthält nicht erlaubte Zeichen.
