# Tudo o que um cliente lê, em português.

## Datas
month-1 = janeiro
month-2 = fevereiro
month-3 = março
month-4 = abril
month-5 = maio
month-6 = junho
month-7 = julho
month-8 = agosto
month-9 = setembro
month-10 = outubro
month-11 = novembro
month-12 = dezembro
date-long = { $day } de { $month } de { $year }

## Layout
foot-secure = Compartilhamento de acesso seguro com Latchkey
lang-switch = Idioma
form-check = Verifique o seguinte:

## Tipos de ativo
kind-page = Página do Facebook
kind-ad_account = Conta de anúncios
kind-instagram = Conta do Instagram
kind-catalog = Catálogo de produtos
kind-pixel = Pixel / conjunto de dados
kind-ga4_property = Propriedade do Google Analytics
kind-gtm_container = Contêiner do Tag Manager
kind-google_ads = Conta do Google Ads
kinds-page = Páginas do Facebook
kinds-ad_account = Contas de anúncios
kinds-instagram = Contas do Instagram
kinds-catalog = Catálogos de produtos
kinds-pixel = Pixels e conjuntos de dados
kinds-ga4_property = Propriedades do Google Analytics
kinds-gtm_container = Contêineres do Tag Manager
kinds-google_ads = Contas do Google Ads

## O que é pedido
ask-page-manage = Gerenciar suas Páginas do Facebook: publicar, responder mensagens e comentários, veicular anúncios, ver estatísticas
ask-page-advertise = Anunciar com suas Páginas do Facebook: veicular anúncios e ver estatísticas
ask-page-view = Ver suas Páginas do Facebook: ver estatísticas
ask-ad_account-manage = Gerenciar suas contas de anúncios: gerenciar campanhas, orçamentos e configurações de pagamento, ver relatórios
ask-ad_account-advertise = Anunciar com suas contas de anúncios: criar e editar anúncios, ver relatórios
ask-ad_account-view = Ver suas contas de anúncios: ver relatórios
ask-instagram-manage = Gerenciar suas contas do Instagram: publicar conteúdo, responder comentários e mensagens, veicular anúncios, ver estatísticas
ask-instagram-advertise = Anunciar com suas contas do Instagram: veicular anúncios e ver estatísticas
ask-instagram-view = Ver suas contas do Instagram: ver estatísticas
ask-catalog-manage = Gerenciar seus catálogos de produtos: gerenciar produtos e usar o catálogo em anúncios
ask-catalog-advertise = Anunciar com seus catálogos de produtos: usar o catálogo em anúncios
ask-catalog-view = Ver seus catálogos de produtos: ver o desempenho do catálogo
ask-pixel-manage = Gerenciar seus pixels e conjuntos de dados: editar o pixel, enviar eventos, usá-lo em anúncios, ver seus dados
ask-pixel-advertise = Anunciar com seus pixels e conjuntos de dados: usá-los em anúncios e ver seus dados
ask-pixel-view = Ver seus pixels e conjuntos de dados: ver seus dados
ask-ga4_property-manage = Editar suas propriedades do Google Analytics: alterar configurações, públicos e relatórios
ask-ga4_property-advertise = Analisar suas propriedades do Google Analytics: criar relatórios e explorações
ask-ga4_property-view = Ver suas propriedades do Google Analytics: ver relatórios
ask-gtm_container-manage = Publicar seus contêineres do Tag Manager: editar tags e publicar alterações no seu site
ask-gtm_container-advertise = Editar seus contêineres do Tag Manager: alterar tags, acionadores e variáveis (a publicação continua com você)
ask-gtm_container-view = Ver seus contêineres do Tag Manager: ver tags, acionadores e variáveis
ask-google_ads-manage = Vincular suas contas do Google Ads à nossa conta de administrador: gerenciamos campanhas, orçamentos e relatórios (você pode desvincular quando quiser)
ask-google_ads-advertise = Vincular suas contas do Google Ads à nossa conta de administrador: gerenciamos campanhas, orçamentos e relatórios (você pode desvincular quando quiser)
ask-google_ads-view = Vincular suas contas do Google Ads à nossa conta de administrador: gerenciamos campanhas, orçamentos e relatórios (você pode desvincular quando quiser)

## A página do link
landing-title = Compartilhar acesso
reauth-heading = Mantenha o acesso de { $agency } durante a mudança para contas gerenciadas
reauth-what-label = O que muda na Meta:
reauth-what = sua organização está passando as pessoas para contas gerenciadas da Meta (contas de trabalho administradas pela sua equipe de TI). O acesso que { $agency } tem pela conta pessoal do Facebook de alguém deixa de funcionar no prazo definido pela sua organização.
reauth-affected = Afetados:
reauth-approving-label = O que a aprovação faz:
reauth-approving = estes ativos são compartilhados com o portfólio empresarial de { $agency } como acesso de parceiro, que não depende da conta pessoal de ninguém e continua após a mudança. Nada mais muda, e você pode removê-lo a qualquer momento nas configurações do negócio da Meta.
landing-heading = { $agency } pede acesso
landing-intro = { $sender }, de { $agency }, gostaria de acessar alguns dos ativos empresariais da Meta de { $client }.
landing-intro-agency = { $agency } gostaria de acessar alguns dos ativos empresariais da Meta de { $client }.
landing-intro-multi = { $sender }, de { $agency }, gostaria de acessar alguns dos ativos empresariais de { $client }.
landing-intro-agency-multi = { $agency } gostaria de acessar alguns dos ativos empresariais de { $client }.
landing-asked = O que é pedido
landing-choose-next = Na próxima tela, você escolhe exatamente quais páginas e contas compartilhar.
mode-partner-heading = Acesso de parceiro
mode-partner-body = Os ativos são compartilhados com o portfólio empresarial de { $agency }, não com uma pessoa. Continua funcionando quando as pessoas mudam, e você pode removê-lo a qualquer momento em Configurações do negócio da Meta → Parceiros.
mode-user-heading = Acesso para pessoas específicas
mode-user-body = Pessoas específicas de { $agency } recebem acesso pelas próprias contas. Você pode removê-lo a qualquer momento em Configurações do negócio da Meta → Pessoas.
landing-expires = Este link expira em { $date }.
landing-completed = O acesso já foi aprovado por este link. Você pode usá-lo de novo para compartilhar mais.
landing-continue = Continuar com o Facebook
landing-continue-google = Continuar com o Google
landing-continue-meta = Continuar com o Facebook
landing-platforms = Compartilhe com { $agency } em cada plataforma abaixo, na ordem que quiser.
landing-platform-done = Compartilhado
done-next-heading = Mais um passo
done-next = Compartilhar também no { $platform }
landing-decline-question = Não é para você, ou não agora?
landing-decline-link = Recusar este pedido
landing-not-expecting = Não esperava isto? Não compartilhe nada: confirme antes com { $agency } ou recuse.

## Recusar
decline-title = Recusar este pedido
decline-heading = Recusar o pedido de { $agency }
decline-intro = Nada é compartilhado. { $agency } será avisada de que você recusou, com sua nota se você deixar uma, e este link será fechado.
decline-why = Por quê?
decline-reason-not_for_me = Isto não é para mim
decline-reason-not_now = Agora não
decline-reason-other = Outro motivo
decline-note-label = Uma nota para { $agency } (opcional)
decline-submit = Recusar o pedido
decline-back = Voltar: quero compartilhar o acesso
decline-error-reason = Escolha por que você está recusando.
decline-error-note = A nota pode ter no máximo { $max } caracteres.
declined-title = Pedido recusado
declined-body = Nada foi compartilhado. { $agency } foi avisada e este link está fechado. Se mudar de ideia, peça um novo link a { $agency }.

## Links que não funcionam mais
gone-declined-title = Você recusou este pedido
gone-declined-body = { $agency } foi avisada e este link está fechado. Se mudar de ideia, peça um novo link.
gone-used-title = Este link já foi usado
gone-used-body = Ele funcionou uma vez e agora está fechado. Se precisar compartilhar mais, peça um novo link a { $agency }.
gone-expired-title = Este link expirou
gone-expired-body = Peça um novo link a { $agency }; enviá-lo leva só um momento.
gone-replaced-title = Este link foi substituído
gone-replaced-body = { $agency } enviou um link mais recente para você. Confira o e-mail mais recente de { $agency } ou peça um novo a { $sender }.
gone-revoked-title = Este link foi retirado
gone-revoked-body = { $agency } retirou esta solicitação, então o link não funciona mais. Se você esperava por ele, peça um novo a { $sender }.
session-over-title = Esta sessão de aprovação terminou
session-over-body = Para sua segurança, as sessões de aprovação terminam após 15 minutos sem atividade. Abra novamente o link que sua agência enviou para continuar.
sign-in-expired-title = Este login expirou
sign-in-expired-body = O login com o Facebook demorou demais, já foi usado ou foi iniciado em outro navegador. Abra seu link novamente para recomeçar.

## Problemas no caminho
problem-needs = O Latchkey precisa de permissão para:
problem-leave-ticked = Quando o Facebook perguntar de novo, deixe estas opções marcadas.
problem-retry = Tentar de novo com o Facebook
login-declined-title = Você não entrou com o Facebook
login-declined-body = Nada foi compartilhado. Para compartilhar o acesso, entre com o Facebook e conceda as permissões que o Latchkey pede.
login-failed-title = O login com o Facebook não foi concluído
login-unconfirmed-body = O Facebook não confirmou o login. Tente novamente.
permission-missing-title = Falta uma permissão
permission-missing-body = Para compartilhar seus ativos, o Latchkey precisa de todas as permissões abaixo. Nada foi compartilhado.
inventory-failed-title = Não conseguimos carregar seus ativos
busy-title = Este link está sendo aprovado em outra janela
busy-body = Alguém está aprovando com este link agora. Aguarde um minuto e abra-o novamente para ver o resultado.
scope-business_management = gerenciar seus portfólios empresariais (business_management)
scope-pages_show_list = ver as páginas que você gerencia (pages_show_list)
scope-pages_manage_metadata = ver e gerenciar quem trabalha nas suas páginas (pages_manage_metadata)
scope-ads_management = gerenciar suas contas de anúncios e pixels (ads_management)
scope-instagram_basic = ver suas contas do Instagram (instagram_basic)
scope-catalog_management = gerenciar seus catálogos de produtos (catalog_management)
scope-other = uma permissão de que o Latchkey precisa

## O que a Meta respondeu
graph-transient = O Facebook não respondeu a tempo. Tente novamente em um minuto.
graph-throttled = O Facebook pediu que fôssemos mais devagar. Tente novamente em alguns minutos.
graph-token = Seu login do Facebook expirou ou foi alterado. Entre novamente com o Facebook.
graph-app-access = A Meta ainda não permite que este aplicativo trabalhe com este tipo de ativo. A agência foi avisada; você pode compartilhar os outros ativos agora.
graph-version-gone = O Latchkey está configurado para uma versão da API da Meta que a Meta não oferece mais. A agência foi avisada e vai corrigir isso; tente novamente mais tarde.
graph-permission = Você precisa de controle total (acesso de administrador) deste ativo para compartilhá-lo. Peça a um administrador do portfólio empresarial que o compartilhe ou que lhe dê controle total.
graph-already-shared = Este ativo já está compartilhado com a agência.
graph-not-in-portfolio = Este ativo não está em um portfólio empresarial que você gerencia. Mova-o para o seu portfólio nas configurações do negócio da Meta e tente novamente.
graph-refused = O Facebook recusou este pedido. A agência foi avisada; você pode tentar mais tarde.

## Por que um ativo não pode ser compartilhado
reason-no-page-role = Você não tem nenhuma função nesta página, então a Meta não permite compartilhá-la. Peça a um administrador de { $portfolio } que aprove.
reason-not-admin = Você não é administrador { $kind ->
    [page] desta página
    [ad_account] desta conta de anúncios
   *[other] deste ativo
  }: pode vê-lo, mas não compartilhá-lo. Peça a um administrador de { $portfolio } que aprove ou que lhe dê controle total.
reason-portfolio-admin = Só um administrador de { $portfolio } pode compartilhar { $kind ->
    [instagram] esta conta do Instagram
    [catalog] este catálogo de produtos
    [pixel] este pixel
   *[other] este ativo
  }, e você não é. Peça a um administrador que aprove.
reason-no-portfolio = Esta página não está em um portfólio empresarial. Em Configurações do negócio da Meta → Contas → Páginas, adicione-a ao seu portfólio e recarregue esta página.
owner-no-portfolio = Fora de um portfólio empresarial
reason-already-shared = Já compartilhado com { $agency }.
reason-not-member = { $email } não é membro do seu portfólio empresarial. Adicione essa pessoa primeiro em Configurações do negócio da Meta → Pessoas e aprove novamente.
reason-confirmed = Confirmado pela Meta.
reason-waiting-agency = A Meta está aguardando a agência aceitar.
reason-unconfirmed = A Meta ainda não confirmou; será verificado novamente.
reason-interrupted = A aprovação foi interrompida antes de compartilhar isto; nada foi compartilhado. Você pode tentar de novo.
reason-interrupted-unchecked = A aprovação foi interrompida e não pôde ser verificada com a Meta; peça à agência que confirme ou tente de novo.
reason-session-ended = Sua sessão do Facebook terminou antes de compartilhar; nada foi compartilhado. Abra seu link novamente.
reason-found-partner = Encontrado no ativo: compartilhado com o portfólio da agência.
reason-found-person = Encontrado no ativo: acesso pela conta pessoal desta pessoa.

## Escolher o que compartilhar
picker-title = Escolha o que compartilhar
picker-heading = Escolha o que compartilhar com { $agency }
picker-logged-in = Conectado como { $person }.
picker-partner-note = Cada ativo é compartilhado com o portfólio empresarial de { $agency }; você pode removê-lo a qualquer momento nas configurações do negócio da Meta.
picker-google-note = O que você escolher é compartilhado com a conta Google de { $agency }; você pode remover quando quiser no Google Analytics (Administrador → Gerenciamento de acesso à propriedade) ou no Tag Manager (Administrador → Gerenciamento de usuários). As contas do Google Ads são vinculadas à conta de administrador de { $agency }; desvincule-as no Google Ads (Administrador → Acesso e segurança → Administradores).
google-not-admin = Você precisa da função de administrador nesta propriedade (ou na conta dela) para dar acesso.
google-not-admin-gtm = Você precisa da permissão de administrador nesta conta do Tag Manager para dar acesso.
google-ads-not-admin = Você precisa de acesso de administrador a esta conta do Google Ads para vinculá-la; peça a um dos administradores.
google-ads-two-step = O Google Ads pede que você ative a verificação em duas etapas na sua Conta do Google (myaccount.google.com → Segurança) antes de vincular esta conta; depois aprove de novo.
google-ads-too-many-managers = Esta conta do Google Ads já tem tantas contas de administrador quanto o Google permite; remova uma no Google Ads em Administrador → Acesso e segurança → Administradores e aprove de novo.
google-ads-linked-already = Já vinculada à conta de administrador de { $agency }.
google-ads-managed-elsewhere = Também gerenciada pela conta de administrador { $managers }; vincular mantém essa e adiciona a nossa.
google-ads-invited = Convidada: aguardando aceitação no Google Ads.
google-unready = { $agency } ainda não terminou de configurar o Google no Latchkey, por isso nada pôde ser compartilhado no Google ainda. A agência já sabe; tente novamente mais tarde.
picker-user-note = Pessoas específicas de { $agency } recebem acesso a cada ativo.
picker-unlisted-intro = Alguns ativos não puderam ser listados; você pode compartilhar o resto agora e os outros depois.
picker-unlisted-line = { $kinds } de { $owner }: não puderam ser listados — { $why }
picker-empty = Não encontramos ativos dos tipos pedidos por { $agency } nos portfólios empresariais que você gerencia. Verifique se entrou com a conta do Facebook certa.
picker-other-account = Entrar com outra conta
picker-find = Procurar um ativo
picker-find-placeholder = Digite parte de um nome
picker-no-match = Nenhum ativo corresponde a esse nome. Confira a grafia ou limpe o campo para ver todos.
picker-select-all = Selecionar tudo em { $portfolio }
picker-cant-share = { $asset }: não pode ser compartilhado
picker-none-selected = Marque acima o que deseja compartilhar.
picker-selected = { $count ->
    [one] { $count } ativo selecionado
   *[other] { $count } ativos selecionados
  }
picker-submit = Compartilhar com { $agency }
picker-nothing-chosen = Marque pelo menos um ativo para compartilhar.

## Compartilhamento e resultado
progress-title = Compartilhando…
progress-heading = Compartilhando com { $agency }…
progress-assets = { $count ->
    [one] { $count } ativo
   *[other] { $count } ativos
  }
progress-body = A Meta respondeu para { $answered } de { $chosen }. Esta página se atualiza sozinha; você também pode fechá-la — o compartilhamento continua e você receberá um comprovante por e-mail.
progress-slow = Se demorar mais de um minuto, a Meta está lenta agora. Nada será compartilhado duas vezes.
progress-refresh = Atualizar
done-title = Concluído
done-nothing-heading = Nada foi compartilhado ainda
done-nothing-body = Nenhum dos ativos escolhidos pôde ser compartilhado com { $agency }. Veja o motivo e como concluir.
done-all-heading = Concluído — obrigado!
done-all-body = Isto foi compartilhado com { $agency }. Enviamos um comprovante por e-mail.
done-some-heading = Quase concluído
done-some-body = Alguns dos seus ativos foram compartilhados com { $agency } e outros não. Enviamos um comprovante do que foi compartilhado.
done-shared = Compartilhado
done-remove-later = Para remover este acesso depois: nas configurações do negócio da Meta (business.facebook.com/settings), abra Usuários → Parceiros, escolha { $agency } e remova os ativos; o acesso dado a pessoas específicas fica em Usuários → Pessoas.
done-waiting = Aguardando confirmação
done-not-shared = Não compartilhado
done-retry-intro = Corrija o que os motivos indicam, se necessário, e tente de novo. O que já foi compartilhado continua compartilhado.
done-retry = { $count ->
    [one] Tentar de novo o ativo não compartilhado
   *[other] Tentar de novo os { $count } ativos não compartilhados
  }
done-link-open = Seu link ainda funciona: abra-o de novo para tentar outra vez, ou avise { $agency }.
done-new-link = Para compartilhar também estes, peça um novo link a { $agency }.
move-heading = Sua organização está mudando para contas gerenciadas da Meta?
move-body = Se sua empresa passar as pessoas para contas de trabalho gerenciadas pela equipe de TI, o acesso baseado em contas pessoais deixa de funcionar. Avisar { $agency } permite resolver a tempo.
move-thanks = Obrigado, { $agency } foi avisada.
move-not_started = Não, ou não que saibamos
move-invited = Sim, as pessoas foram convidadas (está planejado)
move-migrating = Sim, está acontecendo agora
move-migrated = Já aconteceu
move-when = Quando?
move-when-hint = (a data da mudança)
move-submit = Avisar { $agency }
move-error-choose = Escolha uma das respostas.
move-error-date = Use uma data como 2027-01-31.
move-error-date-needed = Informe a data da mudança para que a agência saiba o prazo.

## Páginas de erro
error-code = Erro { $status }
error-home = Ir para a página inicial
error-400-title = Algo nesse pedido não estava certo
error-400-body = Volte, verifique o formulário e tente novamente.
error-404-title = Página não encontrada
error-404-body = A página não existe ou o link não é mais válido. Verifique o endereço ou peça um novo link a quem o enviou.
error-410-title = Este link expirou
error-410-body = Peça um novo link a quem o enviou.
error-413-title = Isso era grande demais
error-413-body = O formulário enviado é maior do que o Latchkey aceita. Encurte-o e tente novamente.
error-429-title = Tentativas demais
error-429-body = Aguarde um pouco e tente novamente.
error-503-title = O Latchkey está ocupado
error-503-body = Tente novamente em alguns segundos.
error-500-title = Algo deu errado
error-500-body = Não conseguimos concluir. Isso foi registrado; tente novamente em um minuto.

## E-mails para o cliente
mail-footer = Enviado pelo Latchkey em nome de { $agency }.
mail-paste = Ou cole este link no seu navegador:
mail-signature = — Latchkey, para { $agency }
mail-review = Revisar e aprovar
mail-quote = “{ $message }” — { $sender }
mail-link-subject = { $agency } pede acesso aos seus ativos empresariais do Facebook
mail-link-heading = Compartilhe o acesso com { $agency }
mail-link-intro = { $sender }, de { $agency }, pede a { $client } acesso aos seguintes ativos empresariais da Meta:
mail-link-intro-agency = { $agency } pede a { $client } acesso aos seguintes ativos empresariais da Meta:
mail-link-foot = Você escolhe exatamente quais ativos compartilhar e pode remover o acesso a qualquer momento nas configurações do negócio da Meta. O link expira em { $date }. Não esperava isto? Não compartilhe nada: responda a este e-mail para perguntar a { $sender }, ou recuse na página.
mail-link-foot-agency = Você escolhe exatamente quais ativos compartilhar e pode remover o acesso a qualquer momento nas configurações do negócio da Meta. O link expira em { $date }. Não esperava por isso? Não compartilhe nada: confirme antes com { $agency } ou recuse na página.
mail-reminder-subject = Lembrete: { $agency } está aguardando o acesso
mail-reminder-heading = { $agency } ainda está aguardando o acesso
mail-reminder-intro = { $sender } pediu a { $client } acesso a:
mail-reminder-foot = Leva cerca de um minuto. O link expira em { $date }.
mail-reauth-link-subject = Mantenha o acesso de { $agency }: conecte seus ativos novamente
mail-reauth-link-intro = Sua organização está migrando para contas gerenciadas da Meta. { $agency } pede a { $client } que conecte estes ativos novamente pelo seu portfólio empresarial, para que o acesso de { $agency } continue funcionando após a mudança:
mail-reauth-reminder-intro = { $sender } pediu a { $client } que conecte estes ativos novamente antes da migração para contas gerenciadas da Meta:
mail-receipt-subject = Você compartilhou acesso com { $agency }
mail-receipt-heading = Seu comprovante
mail-receipt-intro = { $client } compartilhou estes ativos com { $agency }:
mail-receipt-foot = Você pode remover o acesso a qualquer momento em Configurações do negócio da Meta → Parceiros.
mail-outcome-granted = compartilhado
mail-outcome-pending = aguardando confirmação
mail-outcome-failed = não compartilhado
mail-reauth-subject = Reconecte { $agency } até { $date }
mail-reauth-body = Sua organização está mudando para contas gerenciadas da Meta. O acesso de { $agency } a estes ativos depende de uma conta pessoal e deixa de funcionar após { $date }. { $agency } enviará um link para reconectá-los pelo seu portfólio empresarial; leva um minuto:
mail-estimated = { $date } (estimado)
error-403-title = Você não pode fazer isso
error-403-body = Sua conta não tem acesso a esta página ou ação.
error-405-title = Não permitido
error-405-body = Essa página não pode ser usada dessa forma.
error-csrf-title = Este formulário expirou
error-csrf-body = Para sua segurança, o formulário não pôde ser aceito. Volte, recarregue a página e tente novamente.
error-wait-seconds = Aguarde { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
  } e tente novamente.
error-wait-minutes = Aguarde { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
  } e tente novamente.
error-wait-hours = Aguarde { $count ->
    [one] { $count } hora
   *[other] { $count } horas
  } e tente novamente.
asset-line = { $name } ({ $kind ->
    [page] Página do Facebook
    [ad_account] Conta de anúncios
    [instagram] Conta do Instagram
    [catalog] Catálogo de produtos
    [ga4_property] Propriedade do Google Analytics
    [gtm_container] Contêiner do Tag Manager
    [google_ads] Conta do Google Ads
   *[pixel] Pixel / conjunto de dados
  })
decline-error-note-chars = A nota contém caracteres não permitidos.
