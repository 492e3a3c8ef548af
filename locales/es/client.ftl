# Todo lo que lee un cliente, en español.

## Fechas
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
date-long = { $day } de { $month } de { $year }

## Diseño
foot-secure = Acceso compartido de forma segura con Latchkey
lang-switch = Idioma
form-check = Revisa lo siguiente:

## Tipos de activo
kind-page = Página de Facebook
kind-ad_account = Cuenta publicitaria
kind-instagram = Cuenta de Instagram
kind-catalog = Catálogo de productos
kind-pixel = Píxel / conjunto de datos
kind-ga4_property = Propiedad de Google Analytics
kind-gtm_container = Contenedor de Tag Manager
kind-google_ads = Cuenta de Google Ads
kinds-page = Páginas de Facebook
kinds-ad_account = Cuentas publicitarias
kinds-instagram = Cuentas de Instagram
kinds-catalog = Catálogos de productos
kinds-pixel = Píxeles y conjuntos de datos
kinds-ga4_property = Propiedades de Google Analytics
kinds-gtm_container = Contenedores de Tag Manager
kinds-google_ads = Cuentas de Google Ads

## Lo que se pide
ask-page-manage = Administrar tus páginas de Facebook: publicar, responder mensajes y comentarios, crear anuncios, ver estadísticas
ask-page-advertise = Anunciar con tus páginas de Facebook: crear anuncios y ver estadísticas
ask-page-view = Ver tus páginas de Facebook: ver estadísticas
ask-ad_account-manage = Administrar tus cuentas publicitarias: gestionar campañas, presupuestos y facturación, ver informes
ask-ad_account-advertise = Anunciar con tus cuentas publicitarias: crear y editar anuncios, ver informes
ask-ad_account-view = Ver tus cuentas publicitarias: ver informes
ask-instagram-manage = Administrar tus cuentas de Instagram: publicar contenido, responder comentarios y mensajes, crear anuncios, ver estadísticas
ask-instagram-advertise = Anunciar con tus cuentas de Instagram: crear anuncios y ver estadísticas
ask-instagram-view = Ver tus cuentas de Instagram: ver estadísticas
ask-catalog-manage = Administrar tus catálogos de productos: gestionar productos y usar el catálogo en anuncios
ask-catalog-advertise = Anunciar con tus catálogos de productos: usar el catálogo en anuncios
ask-catalog-view = Ver tus catálogos de productos: ver el rendimiento del catálogo
ask-pixel-manage = Administrar tus píxeles y conjuntos de datos: editar el píxel, subir eventos, usarlo en anuncios, ver sus datos
ask-pixel-advertise = Anunciar con tus píxeles y conjuntos de datos: usarlo en anuncios y ver sus datos
ask-pixel-view = Ver tus píxeles y conjuntos de datos: ver sus datos
ask-ga4_property-manage = Editar tus propiedades de Google Analytics: cambiar la configuración, las audiencias y los informes
ask-ga4_property-advertise = Analizar tus propiedades de Google Analytics: crear informes y exploraciones
ask-ga4_property-view = Ver tus propiedades de Google Analytics: ver los informes
ask-gtm_container-manage = Publicar tus contenedores de Tag Manager: editar etiquetas y publicar cambios en tu sitio
ask-gtm_container-advertise = Editar tus contenedores de Tag Manager: cambiar etiquetas, activadores y variables (la publicación sigue siendo tuya)
ask-gtm_container-view = Ver tus contenedores de Tag Manager: ver etiquetas, activadores y variables
ask-google_ads-manage = Vincular tus cuentas de Google Ads a nuestra cuenta de administrador: gestionamos campañas, presupuestos e informes (puedes desvincularla cuando quieras)
ask-google_ads-advertise = Vincular tus cuentas de Google Ads a nuestra cuenta de administrador: gestionamos campañas, presupuestos e informes (puedes desvincularla cuando quieras)
ask-google_ads-view = Vincular tus cuentas de Google Ads a nuestra cuenta de administrador: gestionamos campañas, presupuestos e informes (puedes desvincularla cuando quieras)

## Página del enlace
landing-title = Compartir acceso
reauth-heading = Mantén el acceso de { $agency } durante tu cambio a cuentas administradas
reauth-what-label = Qué cambia en Meta:
reauth-what = tu organización está pasando a su gente a cuentas de Meta administradas (cuentas de trabajo gestionadas por tu equipo de TI). El acceso que { $agency } tiene a través de la cuenta personal de Facebook de alguien deja de funcionar en la fecha límite que fije tu organización.
reauth-affected = Afectados:
reauth-approving-label = Qué hace la aprobación:
reauth-approving = estos activos se comparten con la cartera comercial de { $agency } como acceso de socio, que no depende de la cuenta personal de nadie y sobrevive al cambio. Nada más cambia, y puedes quitarlo cuando quieras en la configuración del negocio de Meta.
landing-heading = { $agency } solicita acceso
landing-intro = { $sender }, de { $agency }, quiere acceder a algunos de los activos comerciales de Meta de { $client }.
landing-intro-agency = { $agency } quiere acceder a algunos de los activos comerciales de Meta de { $client }.
landing-intro-multi = { $sender }, de { $agency }, quiere acceder a algunos de los activos comerciales de { $client }.
landing-intro-agency-multi = { $agency } quiere acceder a algunos de los activos comerciales de { $client }.
landing-asked = Qué se solicita
landing-choose-next = En la siguiente pantalla eliges exactamente qué páginas y cuentas compartir.
mode-partner-heading = Acceso de socio
mode-partner-body = Los activos se comparten con la cartera comercial de { $agency }, no con una persona. Sigue funcionando aunque cambie el equipo, y puedes quitarlo cuando quieras en Configuración del negocio de Meta → Socios.
mode-user-heading = Acceso para personas concretas
mode-user-body = Personas concretas de { $agency } obtienen acceso con sus propias cuentas. Puedes quitarlo cuando quieras en Configuración del negocio de Meta → Personas.
landing-expires = Este enlace caduca el { $date }.
landing-completed = El acceso ya se aprobó con este enlace. Puedes volver a usarlo para compartir más.
landing-continue = Continuar con Facebook
landing-continue-google = Continuar con Google
landing-continue-meta = Continuar con Facebook
landing-platforms = Comparte con { $agency } en cada plataforma de abajo, en el orden que quieras.
landing-platform-done = Compartido
done-next-heading = Un paso más
done-next = Compartir también en { $platform }
landing-decline-question = ¿No es para ti, o no ahora?
landing-decline-link = Rechazar esta solicitud
landing-not-expecting = ¿No esperabas esto? No compartas nada: consulta antes con { $agency } o rechaza la solicitud.

## Rechazar
decline-title = Rechazar esta solicitud
decline-heading = Rechazar la solicitud de { $agency }
decline-intro = No se comparte nada. Avisaremos a { $agency } de que la rechazaste, con tu nota si dejas una, y este enlace se cerrará.
decline-why = ¿Por qué?
decline-reason-not_for_me = Esto no es para mí
decline-reason-not_now = Ahora no
decline-reason-other = Otro motivo
decline-note-label = Una nota para { $agency } (opcional)
decline-submit = Rechazar la solicitud
decline-back = Volver: quiero compartir el acceso
decline-error-reason = Elige por qué la rechazas.
decline-error-note = La nota puede tener como máximo { $max } caracteres.
declined-title = Solicitud rechazada
declined-body = No se ha compartido nada. Hemos avisado a { $agency } y este enlace ya está cerrado. Si cambias de opinión, pide a { $agency } un enlace nuevo.

## Enlaces que ya no funcionan
gone-declined-title = Rechazaste esta solicitud
gone-declined-body = Hemos avisado a { $agency } y este enlace está cerrado. Si cambias de opinión, pídeles un enlace nuevo.
gone-used-title = Este enlace ya se ha usado
gone-used-body = Funcionó una vez y ya está cerrado. Si necesitas compartir más, pide a { $agency } un enlace nuevo.
gone-expired-title = Este enlace ha caducado
gone-expired-body = Pide a { $agency } un enlace nuevo; enviarlo les lleva un momento.
gone-replaced-title = Este enlace fue sustituido
gone-replaced-body = { $agency } te envió un enlace más reciente. Busca el último correo de { $agency } o pide uno nuevo a { $sender }.
gone-revoked-title = Este enlace fue retirado
gone-revoked-body = { $agency } retiró esta solicitud, así que el enlace ya no funciona. Si lo esperabas, pide uno nuevo a { $sender }.
session-over-title = Esta sesión de aprobación ha terminado
session-over-body = Por tu seguridad, las sesiones de aprobación terminan tras 15 minutos sin actividad. Abre de nuevo el enlace que te envió tu agencia para continuar.
sign-in-expired-title = Este inicio de sesión ha caducado
sign-in-expired-body = El inicio de sesión con Facebook tardó demasiado, ya se usó o se empezó en otro navegador. Abre tu enlace de nuevo para empezar otra vez.

## Problemas por el camino
problem-needs = Latchkey necesita permiso para:
problem-leave-ticked = Cuando Facebook te lo vuelva a pedir, deja estas opciones marcadas.
problem-retry = Intentarlo de nuevo con Facebook
login-declined-title = No iniciaste sesión con Facebook
login-declined-body = No se ha compartido nada. Para compartir el acceso, inicia sesión con Facebook y concede los permisos que pide Latchkey.
login-failed-title = El inicio de sesión con Facebook no se completó
login-unconfirmed-body = Facebook no confirmó el inicio de sesión. Inténtalo de nuevo.
permission-missing-title = Falta un permiso
permission-missing-body = Para compartir tus activos, Latchkey necesita todos los permisos de abajo. No se ha compartido nada.
inventory-failed-title = No pudimos cargar tus activos
busy-title = Este enlace se está aprobando en otra ventana
busy-body = Alguien está aprobando con este enlace ahora mismo. Espera un minuto y ábrelo de nuevo para ver el resultado.
scope-business_management = administrar tus carteras comerciales (business_management)
scope-pages_show_list = ver las páginas que administras (pages_show_list)
scope-pages_manage_metadata = ver y gestionar quién trabaja en tus páginas (pages_manage_metadata)
scope-ads_management = administrar tus cuentas publicitarias y píxeles (ads_management)
scope-instagram_basic = ver tus cuentas de Instagram (instagram_basic)
scope-catalog_management = administrar tus catálogos de productos (catalog_management)
scope-other = un permiso que Latchkey necesita

## Lo que respondió Meta
graph-transient = Facebook no respondió a tiempo. Inténtalo de nuevo en un minuto.
graph-throttled = Facebook nos pidió ir más despacio. Inténtalo de nuevo en unos minutos.
graph-token = Tu sesión de Facebook ha caducado o ha cambiado. Vuelve a iniciar sesión con Facebook.
graph-app-access = Meta todavía no permite que esta aplicación trabaje con este tipo de activo. Hemos avisado a la agencia; puedes compartir los demás activos ahora.
graph-version-gone = Latchkey está configurado para una versión de la API de Meta que Meta ya no ofrece. Hemos avisado a la agencia y lo solucionará; vuelve a intentarlo más tarde.
graph-permission = Necesitas control total (acceso de administrador) de este activo para compartirlo. Pide a un administrador de la cartera comercial que lo comparta o que te dé control total.
graph-already-shared = Este activo ya está compartido con la agencia.
graph-not-in-portfolio = Este activo no está en una cartera comercial que administres. Muévelo a tu cartera comercial en la configuración del negocio de Meta y vuelve a intentarlo.
graph-refused = Facebook rechazó esta solicitud. Hemos avisado a la agencia; puedes intentarlo más tarde.

## Por qué no se puede compartir un activo
reason-no-page-role = No tienes ningún rol en esta página, así que Meta no te deja compartirla. Pide a un administrador de { $portfolio } que lo apruebe.
reason-not-admin = No eres administrador de { $kind ->
    [page] esta página
    [ad_account] esta cuenta publicitaria
   *[other] este activo
  }: puedes verlo pero no compartirlo. Pide a un administrador de { $portfolio } que lo apruebe o que te dé control total.
reason-portfolio-admin = Solo un administrador de { $portfolio } puede compartir { $kind ->
    [instagram] esta cuenta de Instagram
    [catalog] este catálogo de productos
    [pixel] este píxel
   *[other] este activo
  }, y tú no lo eres. Pide a un administrador que lo apruebe.
reason-no-portfolio = Esta página no está en una cartera comercial. En Configuración del negocio de Meta → Cuentas → Páginas, añádela a tu cartera y vuelve a cargar esta página.
owner-no-portfolio = Fuera de una cartera comercial
reason-already-shared = Ya compartido con { $agency }.
reason-not-member = { $email } no es miembro de tu cartera comercial. Añádelo primero en Configuración del negocio de Meta → Personas y vuelve a aprobar.
reason-confirmed = Confirmado por Meta.
reason-waiting-agency = Meta está esperando a que la agencia lo acepte.
reason-unconfirmed = Meta aún no lo ha confirmado; se volverá a comprobar.
reason-interrupted = La aprobación se interrumpió antes de compartir esto; no se compartió nada. Puedes intentarlo de nuevo.
reason-interrupted-unchecked = La aprobación se interrumpió y no se pudo comprobar con Meta; pide a la agencia que lo confirme o inténtalo de nuevo.
reason-session-ended = Tu sesión de Facebook terminó antes de compartir; no se compartió nada. Abre tu enlace de nuevo.
reason-found-partner = Encontrado en el activo: compartido con la cartera de la agencia.
reason-found-person = Encontrado en el activo: acceso a través de la cuenta personal de esta persona.

## Elegir qué compartir
picker-title = Elige qué compartir
picker-heading = Elige qué compartir con { $agency }
picker-logged-in = Has iniciado sesión como { $person }.
picker-partner-note = Cada activo se comparte con la cartera comercial de { $agency }; puedes quitarlo cuando quieras en la configuración del negocio de Meta.
picker-google-note = Lo que elijas se comparte con la cuenta de Google de { $agency }; puedes quitarlo cuando quieras en Google Analytics (Administrar → Gestión de acceso a la propiedad) o en Tag Manager (Administrar → Gestión de usuarios). Las cuentas de Google Ads se vinculan a la cuenta de administrador de { $agency }; desvincúlalas en Google Ads (Administración → Acceso y seguridad → Administradores).
google-not-admin = Necesitas el rol de administrador en esta propiedad (o en su cuenta) para dar acceso.
google-not-admin-gtm = Necesitas el permiso de administrador en esta cuenta de Tag Manager para dar acceso.
google-ads-not-admin = Necesitas acceso de administrador a esta cuenta de Google Ads para vincularla; pídeselo a uno de sus administradores.
google-ads-two-step = Google Ads te pide activar la verificación en dos pasos en tu cuenta de Google (myaccount.google.com → Seguridad) antes de vincular esta cuenta; después vuelve a aprobar.
google-ads-too-many-managers = Esta cuenta de Google Ads ya tiene tantas cuentas de administrador como Google permite; quita una en Google Ads en Administración → Acceso y seguridad → Administradores y vuelve a aprobar.
google-ads-linked-already = Ya vinculada a la cuenta de administrador de { $agency }.
google-ads-managed-elsewhere = También la administra la cuenta de administrador { $managers }; al vincularla se mantiene y se añade la nuestra.
google-ads-invited = Invitada: pendiente de aceptación en Google Ads.
google-unready = { $agency } aún no ha terminado de configurar Google en Latchkey, así que todavía no se ha podido compartir nada en Google. Ya lo saben; inténtalo más tarde.
picker-user-note = Personas concretas de { $agency } obtienen acceso a cada activo.
picker-unlisted-intro = Algunos activos no se pudieron mostrar; puedes compartir el resto ahora y los demás más tarde.
picker-unlisted-line = { $kinds } de { $owner }: no se pudieron mostrar — { $why }
picker-empty = No encontramos activos de los tipos que pidió { $agency } en las carteras comerciales que administras. Comprueba que iniciaste sesión con la cuenta de Facebook correcta.
picker-other-account = Iniciar sesión con otra cuenta
picker-find = Buscar un activo
picker-find-placeholder = Escribe parte de un nombre
picker-no-match = Ningún activo coincide con ese nombre. Revisa cómo está escrito o vacía la casilla para verlos todos.
picker-select-all = Seleccionar todo en { $portfolio }
picker-cant-share = { $asset }: no se puede compartir
picker-none-selected = Marca arriba lo que quieres compartir.
picker-selected = { $count ->
    [one] { $count } activo seleccionado
   *[other] { $count } activos seleccionados
  }
picker-submit = Compartir con { $agency }
picker-nothing-chosen = Marca al menos un activo para compartir.

## Compartir y resultado
progress-title = Compartiendo…
progress-heading = Compartiendo con { $agency }…
progress-assets = { $count ->
    [one] { $count } activo
   *[other] { $count } activos
  }
progress-body = Meta ha respondido para { $answered } de { $chosen }. Esta página se actualiza sola; también puedes cerrarla: el proceso continúa y recibirás un justificante por correo.
progress-slow = Si tarda más de un minuto, Meta va lento en este momento. Nada se compartirá dos veces.
progress-refresh = Actualizar
done-title = Listo
done-nothing-heading = Todavía no se ha compartido nada
done-nothing-body = Ninguno de los activos que elegiste se pudo compartir con { $agency }. Aquí tienes el motivo y cómo terminar.
done-all-heading = ¡Listo, gracias!
done-all-body = Esto es lo que se ha compartido con { $agency }. Te hemos enviado un justificante por correo.
done-some-heading = Casi listo
done-some-body = Algunos de tus activos se compartieron con { $agency } y otros no. Te hemos enviado un justificante de lo compartido.
done-shared = Compartido
done-remove-later = Para quitar este acceso más adelante: en Configuración del negocio de Meta (business.facebook.com/settings), abre Usuarios → Socios, elige { $agency } y quita los activos; el acceso dado a personas concretas está en Usuarios → Personas.
done-waiting = Pendiente de confirmación
done-not-shared = No compartido
done-retry-intro = Corrige lo que indican los motivos si hace falta y vuelve a intentarlo. Lo que ya se compartió sigue compartido.
done-retry = { $count ->
    [one] Reintentar el activo no compartido
   *[other] Reintentar los { $count } activos no compartidos
  }
done-link-open = Tu enlace sigue funcionando: ábrelo de nuevo para intentarlo otra vez, o avisa a { $agency }.
done-new-link = Para compartir también estos, pide a { $agency } un enlace nuevo.
move-heading = ¿Tu organización se está pasando a cuentas de Meta administradas?
move-body = Si tu empresa pasa a su gente a cuentas de trabajo gestionadas por tu equipo de TI, el acceso basado en cuentas personales deja de funcionar. Si se lo dices a { $agency }, podrá solucionarlo a tiempo.
move-thanks = Gracias, hemos avisado a { $agency }.
move-not_started = No, o no que sepamos
move-invited = Sí, se ha invitado a la gente (está previsto)
move-migrating = Sí, está ocurriendo ahora
move-migrated = Ya ocurrió
move-when = ¿Cuándo?
move-when-hint = (la fecha del cambio)
move-submit = Avisar a { $agency }
move-error-choose = Elige una de las respuestas.
move-error-date = Usa una fecha como 2027-01-31.
move-error-date-needed = Indícanos la fecha del cambio para que la agencia conozca el plazo.

## Páginas de error
error-code = Error { $status }
error-home = Ir a la página de inicio
error-400-title = Algo en esa solicitud no era correcto
error-400-body = Vuelve atrás, revisa el formulario e inténtalo de nuevo.
error-404-title = Página no encontrada
error-404-body = La página no existe o el enlace ya no es válido. Comprueba la dirección o pide un enlace nuevo a quien te lo envió.
error-410-title = Este enlace ha caducado
error-410-body = Pide un enlace nuevo a quien te lo envió.
error-413-title = Era demasiado grande
error-413-body = El formulario que enviaste supera lo que acepta Latchkey. Acórtalo e inténtalo de nuevo.
error-429-title = Demasiados intentos
error-429-body = Espera un poco e inténtalo de nuevo.
error-503-title = Latchkey está ocupado
error-503-body = Inténtalo de nuevo en unos segundos.
error-500-title = Algo ha fallado
error-500-body = No hemos podido completarlo. Ha quedado registrado; inténtalo de nuevo en un minuto.

## Correos al cliente
mail-footer = Enviado por Latchkey en nombre de { $agency }.
mail-paste = O pega este enlace en tu navegador:
mail-signature = — Latchkey, para { $agency }
mail-review = Revisar y aprobar
mail-quote = «{ $message }» — { $sender }
mail-link-subject = { $agency } solicita acceso a tus activos comerciales de Facebook
mail-link-heading = Comparte el acceso con { $agency }
mail-link-intro = { $sender }, de { $agency }, solicita a { $client } acceso a los siguientes activos comerciales de Meta:
mail-link-intro-agency = { $agency } pide a { $client } acceso a los siguientes activos comerciales de Meta:
mail-link-foot = Tú eliges exactamente qué activos compartir y puedes quitar el acceso cuando quieras en la configuración del negocio de Meta. El enlace caduca el { $date }. ¿No esperabas esto? No compartas nada: responde a este correo para preguntar a { $sender }, o rechaza la solicitud en la página.
mail-link-foot-agency = Tú eliges exactamente qué activos compartir y puedes retirar el acceso cuando quieras en la configuración del negocio de Meta. El enlace caduca el { $date }. ¿No lo esperabas? No compartas nada: consúltalo antes con { $agency } o rechaza la solicitud en la página.
mail-reminder-subject = Recordatorio: { $agency } está esperando el acceso
mail-reminder-heading = { $agency } sigue esperando el acceso
mail-reminder-intro = { $sender } solicitó a { $client } acceso a:
mail-reminder-foot = Lleva alrededor de un minuto. El enlace caduca el { $date }.
mail-reauth-link-subject = Mantén el acceso de { $agency }: vuelve a conectar tus activos
mail-reauth-link-intro = Tu organización se está pasando a cuentas de Meta administradas. { $agency } pide a { $client } que vuelva a conectar estos activos a través de su portafolio comercial, para que el acceso de { $agency } siga funcionando tras el cambio:
mail-reauth-reminder-intro = { $sender } pidió a { $client } que vuelva a conectar estos activos antes del paso a cuentas de Meta administradas:
mail-receipt-subject = Has compartido acceso con { $agency }
mail-receipt-heading = Tu justificante
mail-receipt-intro = { $client } compartió estos activos con { $agency }:
mail-receipt-foot = Puedes quitar el acceso cuando quieras en Configuración del negocio de Meta → Socios.
mail-outcome-granted = compartido
mail-outcome-pending = pendiente de confirmación
mail-outcome-failed = no compartido
mail-reauth-subject = Vuelve a conectar { $agency } antes del { $date }
mail-reauth-body = Tu organización se está pasando a cuentas de Meta administradas. El acceso de { $agency } a estos activos depende de una cuenta personal y deja de funcionar después del { $date }. { $agency } te enviará un enlace para volver a conectarlos a través de tu cartera comercial; lleva un minuto:
mail-estimated = { $date } (estimado)
error-403-title = No puedes hacer eso
error-403-body = Tu cuenta no tiene acceso a esta página o acción.
error-405-title = No permitido
error-405-body = Esa página no se puede usar de esta forma.
error-csrf-title = Este formulario ha caducado
error-csrf-body = Por tu seguridad no se pudo aceptar el formulario. Vuelve atrás, recarga la página e inténtalo de nuevo.
error-wait-seconds = Espera { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
  } e inténtalo de nuevo.
error-wait-minutes = Espera { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
  } e inténtalo de nuevo.
error-wait-hours = Espera { $count ->
    [one] { $count } hora
   *[other] { $count } horas
  } e inténtalo de nuevo.
asset-line = { $name } ({ $kind ->
    [page] Página de Facebook
    [ad_account] Cuenta publicitaria
    [instagram] Cuenta de Instagram
    [catalog] Catálogo de productos
    [ga4_property] Propiedad de Google Analytics
    [gtm_container] Contenedor de Tag Manager
    [google_ads] Cuenta de Google Ads
   *[pixel] Píxel / conjunto de datos
  })
decline-error-note-chars = La nota contiene caracteres no permitidos.
