# Tout ce que lit un client, en français.

## Dates
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date-long = { $day ->
    [1] 1er
   *[other] { $day }
  } { $month } { $year }

## Mise en page
foot-secure = Partage d’accès sécurisé par Latchkey
lang-switch = Langue
form-check = Veuillez vérifier :

## Types d’actifs
kind-page = Page Facebook
kind-ad_account = Compte publicitaire
kind-instagram = Compte Instagram
kind-catalog = Catalogue de produits
kind-pixel = Pixel / jeu de données
kind-ga4_property = Propriété Google Analytics
kind-gtm_container = Conteneur Tag Manager
kind-google_ads = Compte Google Ads
kinds-page = Pages Facebook
kinds-ad_account = Comptes publicitaires
kinds-instagram = Comptes Instagram
kinds-catalog = Catalogues de produits
kinds-pixel = Pixels et jeux de données
kinds-ga4_property = Propriétés Google Analytics
kinds-gtm_container = Conteneurs Tag Manager
kinds-google_ads = Comptes Google Ads

## Ce qui est demandé
ask-page-manage = Gérer vos Pages Facebook : publier, répondre aux messages et commentaires, diffuser des publicités, voir les statistiques
ask-page-advertise = Faire de la publicité avec vos Pages Facebook : diffuser des publicités et voir les statistiques
ask-page-view = Consulter vos Pages Facebook : voir les statistiques
ask-ad_account-manage = Gérer vos comptes publicitaires : gérer les campagnes, budgets et paramètres de facturation, voir les rapports
ask-ad_account-advertise = Faire de la publicité avec vos comptes publicitaires : créer et modifier des publicités, voir les rapports
ask-ad_account-view = Consulter vos comptes publicitaires : voir les rapports
ask-instagram-manage = Gérer vos comptes Instagram : publier du contenu, répondre aux commentaires et messages, diffuser des publicités, voir les statistiques
ask-instagram-advertise = Faire de la publicité avec vos comptes Instagram : diffuser des publicités et voir les statistiques
ask-instagram-view = Consulter vos comptes Instagram : voir les statistiques
ask-catalog-manage = Gérer vos catalogues de produits : gérer les produits et utiliser le catalogue dans les publicités
ask-catalog-advertise = Faire de la publicité avec vos catalogues de produits : utiliser le catalogue dans les publicités
ask-catalog-view = Consulter vos catalogues de produits : voir les performances du catalogue
ask-pixel-manage = Gérer vos pixels et jeux de données : modifier le pixel, importer des événements, l’utiliser dans les publicités, voir ses données
ask-pixel-advertise = Faire de la publicité avec vos pixels et jeux de données : les utiliser dans les publicités et voir leurs données
ask-pixel-view = Consulter vos pixels et jeux de données : voir leurs données
ask-ga4_property-manage = Modifier vos propriétés Google Analytics : changer les paramètres, les audiences et les rapports
ask-ga4_property-advertise = Analyser vos propriétés Google Analytics : créer des rapports et des explorations
ask-ga4_property-view = Consulter vos propriétés Google Analytics : voir les rapports
ask-gtm_container-manage = Publier vos conteneurs Tag Manager : modifier les balises et publier les changements sur votre site
ask-gtm_container-advertise = Modifier vos conteneurs Tag Manager : changer les balises, déclencheurs et variables (la publication reste chez vous)
ask-gtm_container-view = Consulter vos conteneurs Tag Manager : voir les balises, déclencheurs et variables
ask-google_ads-manage = Associer vos comptes Google Ads à notre compte administrateur : nous gérons campagnes, budgets et rapports (vous pouvez dissocier à tout moment)
ask-google_ads-advertise = Associer vos comptes Google Ads à notre compte administrateur : nous gérons campagnes, budgets et rapports (vous pouvez dissocier à tout moment)
ask-google_ads-view = Associer vos comptes Google Ads à notre compte administrateur : nous gérons campagnes, budgets et rapports (vous pouvez dissocier à tout moment)

## La page du lien
landing-title = Partager l’accès
reauth-heading = Gardez l’accès de { $agency } pendant votre passage aux comptes gérés
reauth-what-label = Ce qui change chez Meta :
reauth-what = votre organisation fait passer ses collaborateurs à des comptes Meta gérés (des comptes professionnels administrés par votre équipe informatique). L’accès dont { $agency } dispose via le compte Facebook personnel de quelqu’un cesse de fonctionner à l’échéance fixée par votre organisation.
reauth-affected = Concernés :
reauth-approving-label = Ce que fait l’approbation :
reauth-approving = ces actifs sont partagés avec le portefeuille business de { $agency } en tant qu’accès partenaire, qui ne dépend du compte personnel de personne et survit au changement. Rien d’autre ne change, et vous pouvez le retirer à tout moment dans les paramètres business de Meta.
landing-heading = { $agency } demande un accès
landing-intro = { $sender }, de { $agency }, souhaite accéder à certains actifs business Meta de { $client }.
landing-intro-agency = { $agency } souhaite accéder à certaines ressources business Meta de { $client }.
landing-intro-multi = { $sender }, de { $agency }, souhaite accéder à certains actifs business de { $client }.
landing-intro-agency-multi = { $agency } souhaite accéder à certaines ressources business de { $client }.
landing-asked = Ce qui est demandé
landing-choose-next = Vous choisissez précisément les Pages et comptes à partager à l’écran suivant.
mode-partner-heading = Accès partenaire
mode-partner-body = Les actifs sont partagés avec le portefeuille business de { $agency }, pas avec une personne. L’accès reste valable quand les personnes changent, et vous pouvez le retirer à tout moment dans Paramètres business de Meta → Partenaires.
mode-user-heading = Accès pour des personnes nommées
mode-user-body = Des personnes nommées de { $agency } obtiennent l’accès via leurs propres comptes. Vous pouvez le retirer à tout moment dans Paramètres business de Meta → Personnes.
landing-expires = Ce lien expire le { $date }.
landing-completed = L’accès a déjà été approuvé avec ce lien. Vous pouvez le réutiliser pour partager davantage.
landing-continue = Continuer avec Facebook
landing-continue-google = Continuer avec Google
landing-continue-meta = Continuer avec Facebook
landing-platforms = Partagez avec { $agency } sur chaque plateforme ci-dessous, dans l’ordre que vous voulez.
landing-platform-done = Partagé
done-next-heading = Encore une étape
done-next = Partager aussi sur { $platform }
landing-decline-question = Pas pour vous, ou pas maintenant ?
landing-decline-link = Refuser cette demande
landing-not-expecting = Vous ne vous y attendiez pas ? Ne partagez rien : vérifiez d’abord auprès de { $agency }, ou refusez.

## Refuser
decline-title = Refuser cette demande
decline-heading = Refuser la demande de { $agency }
decline-intro = Rien n’est partagé. { $agency } est informée de votre refus, avec votre note si vous en laissez une, et ce lien est fermé.
decline-why = Pourquoi ?
decline-reason-not_for_me = Ce n’est pas pour moi
decline-reason-not_now = Pas maintenant
decline-reason-other = Autre chose
decline-note-label = Une note pour { $agency } (facultatif)
decline-submit = Refuser la demande
decline-back = Retour : je veux finalement partager l’accès
decline-error-reason = Choisissez pourquoi vous refusez.
decline-error-note = La note doit faire au plus { $max } caractères.
declined-title = Demande refusée
declined-body = Rien n’a été partagé. { $agency } a été informée et ce lien est maintenant fermé. Si vous changez d’avis, demandez un nouveau lien à { $agency }.

## Liens qui ne fonctionnent plus
gone-declined-title = Vous avez refusé cette demande
gone-declined-body = { $agency } a été informée et ce lien est fermé. Si vous changez d’avis, demandez-lui un nouveau lien.
gone-used-title = Ce lien a déjà été utilisé
gone-used-body = Il a fonctionné une fois et il est maintenant fermé. Pour partager davantage, demandez un nouveau lien à { $agency }.
gone-expired-title = Ce lien a expiré
gone-expired-body = Demandez un nouveau lien à { $agency } ; l’envoyer ne prend qu’un instant.
gone-replaced-title = Ce lien a été remplacé
gone-replaced-body = { $agency } vous a envoyé un lien plus récent. Consultez le dernier e-mail de { $agency }, ou demandez-en un nouveau à { $sender }.
gone-revoked-title = Ce lien a été retiré
gone-revoked-body = { $agency } a retiré cette demande : le lien ne fonctionne plus. Si vous l’attendiez, demandez-en un nouveau à { $sender }.
session-over-title = Cette session d’approbation est terminée
session-over-body = Pour votre sécurité, les sessions d’approbation se terminent après 15 minutes d’inactivité. Rouvrez le lien envoyé par votre agence pour continuer.
sign-in-expired-title = Cette connexion a expiré
sign-in-expired-body = La connexion Facebook a pris trop de temps, a déjà été utilisée ou a été commencée dans un autre navigateur. Rouvrez votre lien pour recommencer.

## Problèmes en chemin
problem-needs = Latchkey a besoin de l’autorisation de :
problem-leave-ticked = Quand Facebook vous le redemandera, laissez ces cases cochées.
problem-retry = Réessayer avec Facebook
login-declined-title = Vous ne vous êtes pas connecté avec Facebook
login-declined-body = Rien n’a été partagé. Pour partager l’accès, connectez-vous avec Facebook et accordez les autorisations demandées par Latchkey.
login-failed-title = La connexion Facebook n’a pas abouti
login-unconfirmed-body = Facebook n’a pas confirmé la connexion. Veuillez réessayer.
permission-missing-title = Une autorisation manque
permission-missing-body = Pour partager vos actifs, Latchkey a besoin de toutes les autorisations ci-dessous. Rien n’a été partagé.
inventory-failed-title = Nous n’avons pas pu charger vos actifs
busy-title = Ce lien est en cours d’approbation dans une autre fenêtre
busy-body = Quelqu’un approuve avec ce lien en ce moment. Attendez une minute puis rouvrez-le pour voir le résultat.
scope-business_management = gérer vos portefeuilles business (business_management)
scope-pages_show_list = voir les Pages que vous gérez (pages_show_list)
scope-pages_manage_metadata = voir et gérer qui travaille sur vos Pages (pages_manage_metadata)
scope-ads_management = gérer vos comptes publicitaires et pixels (ads_management)
scope-instagram_basic = voir vos comptes Instagram (instagram_basic)
scope-catalog_management = gérer vos catalogues de produits (catalog_management)
scope-other = une autorisation dont Latchkey a besoin

## Ce que Meta a répondu
graph-transient = Facebook n’a pas répondu à temps. Veuillez réessayer dans une minute.
graph-throttled = Facebook nous a demandé de ralentir. Veuillez réessayer dans quelques minutes.
graph-token = Votre connexion Facebook a expiré ou a changé. Veuillez vous reconnecter avec Facebook.
graph-app-access = Meta ne permet pas encore à cette application de travailler avec ce type d’actif. L’agence a été informée ; vous pouvez partager les autres actifs dès maintenant.
graph-version-gone = Latchkey est configuré pour une version de l’API de Meta que Meta ne sert plus. L’agence a été informée et va corriger cela ; réessayez plus tard.
graph-permission = Il vous faut le contrôle total (accès administrateur) de cet actif pour le partager. Demandez à un administrateur du portefeuille business de le partager ou de vous donner le contrôle total.
graph-already-shared = Cet actif est déjà partagé avec l’agence.
graph-not-in-portfolio = Cet actif n’est pas dans un portefeuille business que vous gérez. Déplacez-le dans votre portefeuille business dans les paramètres business de Meta, puis réessayez.
graph-refused = Facebook a refusé cette demande. L’agence a été informée ; vous pouvez réessayer plus tard.

## Pourquoi un actif ne peut pas être partagé
reason-no-page-role = Vous n’avez aucun rôle sur cette Page, donc Meta ne vous laisse pas la partager. Demandez à un administrateur de { $portfolio } d’approuver.
reason-not-admin = Vous n’êtes pas administrateur de { $kind ->
    [page] cette Page
    [ad_account] ce compte publicitaire
   *[other] cet actif
  } : vous pouvez le voir mais pas le partager. Demandez à un administrateur de { $portfolio } d’approuver ou de vous donner le contrôle total.
reason-portfolio-admin = Seul un administrateur de { $portfolio } peut partager { $kind ->
    [instagram] ce compte Instagram
    [catalog] ce catalogue de produits
    [pixel] ce pixel
   *[other] cet actif
  } ; vous ne l’êtes pas. Demandez à un administrateur d’approuver.
reason-no-portfolio = Cette Page n’est dans aucun portefeuille business. Dans Paramètres business de Meta → Comptes → Pages, ajoutez-la à votre portefeuille, puis rechargez cette page.
owner-no-portfolio = Hors portefeuille business
reason-already-shared = Déjà partagé avec { $agency }.
reason-not-member = { $email } n’est pas membre de votre portefeuille business. Ajoutez cette personne dans Paramètres business de Meta → Personnes, puis approuvez à nouveau.
reason-confirmed = Confirmé par Meta.
reason-waiting-agency = Meta attend que l’agence accepte.
reason-unconfirmed = Meta ne l’a pas encore confirmé ; ce sera vérifié à nouveau.
reason-interrupted = L’approbation a été interrompue avant ce partage ; rien n’a été partagé pour cet actif. Vous pouvez réessayer.
reason-interrupted-unchecked = L’approbation a été interrompue et n’a pas pu être vérifiée auprès de Meta ; demandez confirmation à l’agence ou réessayez.
reason-session-ended = Votre session Facebook s’est terminée avant le partage ; rien n’a été partagé. Rouvrez votre lien.
reason-found-partner = Trouvé sur l’actif : partagé avec le portefeuille de l’agence.
reason-found-person = Trouvé sur l’actif : accès via le compte personnel de cette personne.

## Choisir quoi partager
picker-title = Choisissez quoi partager
picker-heading = Choisissez ce que vous partagez avec { $agency }
picker-logged-in = Connecté en tant que { $person }.
picker-partner-note = Chaque actif est partagé avec le portefeuille business de { $agency } ; vous pouvez le retirer à tout moment dans les paramètres business de Meta.
picker-google-note = Ce que vous choisissez est partagé avec le compte Google de { $agency } ; vous pouvez le retirer à tout moment dans Google Analytics (Administration → Gestion des accès à la propriété) ou Tag Manager (Administration → Gestion des utilisateurs). Les comptes Google Ads sont associés au compte administrateur de { $agency } ; dissociez-les dans Google Ads (Administration → Accès et sécurité → Administrateurs).
google-not-admin = Il vous faut le rôle Administrateur sur cette propriété (ou son compte) pour donner l'accès.
google-not-admin-gtm = Il vous faut l'autorisation Administrateur sur ce compte Tag Manager pour donner l'accès.
google-ads-not-admin = Il vous faut un accès administrateur à ce compte Google Ads pour l'associer ; demandez à l'un de ses administrateurs.
google-ads-two-step = Google Ads vous demande d'activer la validation en deux étapes sur votre compte Google (myaccount.google.com → Sécurité) avant d'associer ce compte ; puis approuvez à nouveau.
google-ads-too-many-managers = Ce compte Google Ads a déjà autant de comptes administrateur que Google le permet ; retirez-en un dans Google Ads sous Administration → Accès et sécurité → Administrateurs, puis approuvez à nouveau.
google-ads-linked-already = Déjà associé au compte administrateur de { $agency }.
google-ads-managed-elsewhere = Également géré par le compte administrateur { $managers } ; l'association le conserve et ajoute le nôtre.
google-ads-invited = Invitation envoyée : en attente d'acceptation dans Google Ads.
google-unready = { $agency } n'a pas fini de configurer Google dans Latchkey : rien n'a donc encore pu être partagé sur Google. L'agence est prévenue ; réessayez plus tard.
picker-user-note = Des personnes nommées de { $agency } obtiennent l’accès à chaque actif.
picker-unlisted-intro = Certains actifs n’ont pas pu être listés ; vous pouvez partager le reste maintenant et les autres plus tard.
picker-unlisted-line = { $kinds } de { $owner } : impossible de les lister — { $why }
picker-empty = Nous n’avons trouvé aucun actif des types demandés par { $agency } dans les portefeuilles business que vous gérez. Vérifiez que vous êtes connecté avec le bon compte Facebook.
picker-other-account = Se connecter avec un autre compte
picker-find = Trouver un actif
picker-find-placeholder = Tapez une partie d’un nom
picker-no-match = Aucune ressource ne correspond à ce nom. Vérifiez l’orthographe ou videz le champ pour tout afficher.
picker-select-all = Tout sélectionner dans { $portfolio }
picker-cant-share = { $asset } : ne peut pas être partagé
picker-none-selected = Cochez ci-dessus ce que vous voulez partager.
picker-selected = { $count ->
    [one] { $count } actif sélectionné
   *[other] { $count } actifs sélectionnés
  }
picker-submit = Partager avec { $agency }
picker-nothing-chosen = Cochez au moins un actif à partager.

## Partage et résultat
progress-title = Partage en cours…
progress-heading = Partage avec { $agency } en cours…
progress-assets = { $count ->
    [one] { $count } actif
   *[other] { $count } actifs
  }
progress-body = Meta a répondu pour { $answered } sur { $chosen }. Cette page se met à jour toute seule ; vous pouvez aussi la fermer — le partage continue et vous recevrez un récapitulatif par e-mail.
progress-slow = Si cela prend plus d’une minute, Meta est lent en ce moment. Rien ne sera partagé deux fois.
progress-refresh = Actualiser
done-title = Terminé
done-nothing-heading = Rien n’a encore été partagé
done-nothing-body = Aucun des actifs choisis n’a pu être partagé avec { $agency }. Voici pourquoi, et comment terminer.
done-all-heading = Terminé — merci !
done-all-body = Voici ce qui a été partagé avec { $agency }. Nous vous avons envoyé un récapitulatif par e-mail.
done-some-heading = Presque terminé
done-some-body = Certains de vos actifs ont été partagés avec { $agency }, d’autres non. Nous vous avons envoyé un récapitulatif de ce qui a été partagé.
done-shared = Partagé
done-remove-later = Pour retirer cet accès plus tard : dans les paramètres business de Meta (business.facebook.com/settings), ouvrez Utilisateurs → Partenaires, choisissez { $agency } et retirez les actifs ; l’accès donné à des personnes nommées se trouve sous Utilisateurs → Personnes.
done-waiting = En attente de confirmation
done-not-shared = Non partagé
done-retry-intro = Corrigez si besoin ce qu’indiquent les motifs, puis réessayez. Ce qui est déjà partagé le reste.
done-retry = { $count ->
    [one] Réessayer pour l’actif non partagé
   *[other] Réessayer pour les { $count } actifs non partagés
  }
done-link-open = Votre lien fonctionne encore : rouvrez-le pour réessayer, ou prévenez { $agency }.
done-new-link = Pour partager aussi ceux-ci, demandez un nouveau lien à { $agency }.
move-heading = Votre organisation passe-t-elle aux comptes Meta gérés ?
move-body = Si votre entreprise fait passer ses collaborateurs à des comptes professionnels gérés par votre équipe informatique, l’accès reposant sur des comptes personnels cesse de fonctionner. Le dire à { $agency } lui permet d’agir à temps.
move-thanks = Merci, { $agency } a été informée.
move-not_started = Non, ou pas à notre connaissance
move-invited = Oui, les personnes ont été invitées (c’est prévu)
move-migrating = Oui, c’est en cours
move-migrated = C’est déjà fait
move-when = Quand ?
move-when-hint = (la date du changement)
move-submit = Prévenir { $agency }
move-error-choose = Choisissez l’une des réponses.
move-error-date = Utilisez une date comme 2027-01-31.
move-error-date-needed = Indiquez-nous la date du changement, pour que l’agence connaisse l’échéance.

## Pages d’erreur
error-code = Erreur { $status }
error-home = Aller à la page d’accueil
error-400-title = Quelque chose n’allait pas dans cette demande
error-400-body = Revenez en arrière, vérifiez le formulaire et réessayez.
error-404-title = Page introuvable
error-404-body = La page n’existe pas ou le lien n’est plus valide. Vérifiez l’adresse ou demandez un nouveau lien à l’expéditeur.
error-410-title = Ce lien a expiré
error-410-body = Demandez un nouveau lien à l’expéditeur.
error-413-title = C’était trop volumineux
error-413-body = Le formulaire envoyé dépasse ce que Latchkey accepte. Raccourcissez-le et réessayez.
error-429-title = Trop de tentatives
error-429-body = Veuillez patienter un peu et réessayer.
error-503-title = Latchkey est occupé
error-503-body = Veuillez réessayer dans quelques secondes.
error-500-title = Un problème est survenu
error-500-body = Nous n’avons pas pu terminer. L’incident est enregistré ; veuillez réessayer dans une minute.

## E-mails au client
mail-footer = Envoyé par Latchkey pour le compte de { $agency }.
mail-paste = Ou collez ce lien dans votre navigateur :
mail-signature = — Latchkey, pour { $agency }
mail-review = Vérifier et approuver
mail-quote = « { $message } » — { $sender }
mail-link-subject = { $agency } demande l’accès à vos actifs business Facebook
mail-link-heading = Partagez l’accès avec { $agency }
mail-link-intro = { $sender }, de { $agency }, demande à { $client } l’accès aux actifs business Meta suivants :
mail-link-intro-agency = { $agency } demande à { $client } l’accès aux ressources business Meta suivantes :
mail-link-foot = Vous choisissez précisément les actifs à partager et pouvez retirer l’accès à tout moment dans les paramètres business de Meta. Le lien expire le { $date }. Vous ne vous y attendiez pas ? Ne partagez rien : répondez à cet e-mail pour interroger { $sender }, ou refusez sur la page.
mail-link-foot-agency = Vous choisissez exactement les ressources à partager et pouvez retirer l’accès à tout moment dans les paramètres business de Meta. Le lien expire le { $date }. Vous ne vous y attendiez pas ? Ne partagez rien : vérifiez d’abord auprès de { $agency }, ou refusez sur la page.
mail-reminder-subject = Rappel : { $agency } attend l’accès
mail-reminder-heading = { $agency } attend toujours l’accès
mail-reminder-intro = { $sender } a demandé à { $client } l’accès à :
mail-reminder-foot = Cela prend environ une minute. Le lien expire le { $date }.
mail-reauth-link-subject = Gardez l’accès de { $agency } : reconnectez vos ressources
mail-reauth-link-intro = Votre organisation passe aux comptes Meta gérés. { $agency } demande à { $client } de reconnecter ces ressources via votre portefeuille business, pour que l’accès de { $agency } continue de fonctionner après le passage :
mail-reauth-reminder-intro = { $sender } a demandé à { $client } de reconnecter ces ressources avant le passage aux comptes Meta gérés :
mail-receipt-subject = Vous avez partagé l’accès avec { $agency }
mail-receipt-heading = Votre récapitulatif
mail-receipt-intro = { $client } a partagé ces actifs avec { $agency } :
mail-receipt-foot = Vous pouvez retirer l’accès à tout moment dans Paramètres business de Meta → Partenaires.
mail-outcome-granted = partagé
mail-outcome-pending = en attente de confirmation
mail-outcome-failed = non partagé
mail-reauth-subject = Veuillez reconnecter { $agency } avant le { $date }
mail-reauth-body = Votre organisation passe aux comptes Meta gérés. L’accès de { $agency } à ces actifs repose sur un compte personnel et cessera de fonctionner après le { $date }. { $agency } vous enverra un lien pour les reconnecter via votre portefeuille business ; cela prend une minute :
mail-estimated = { $date } (estimation)
error-403-title = Vous ne pouvez pas faire cela
error-403-body = Votre compte n’a pas accès à cette page ou action.
error-405-title = Non autorisé
error-405-body = Cette page ne peut pas être utilisée ainsi.
error-csrf-title = Ce formulaire a expiré
error-csrf-body = Pour votre sécurité, le formulaire n’a pas pu être accepté. Revenez en arrière, rechargez la page et réessayez.
error-wait-seconds = Veuillez patienter { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
  } puis réessayer.
error-wait-minutes = Veuillez patienter { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  } puis réessayer.
error-wait-hours = Veuillez patienter { $count ->
    [one] { $count } heure
   *[other] { $count } heures
  } puis réessayer.
asset-line = { $name } ({ $kind ->
    [page] Page Facebook
    [ad_account] Compte publicitaire
    [instagram] Compte Instagram
    [catalog] Catalogue de produits
    [ga4_property] Propriété Google Analytics
    [gtm_container] Conteneur Tag Manager
    [google_ads] Compte Google Ads
   *[pixel] Pixel / jeu de données
  })
decline-error-note-chars = La note contient des caractères non autorisés.
