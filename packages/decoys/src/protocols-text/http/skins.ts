import type { HttpReply, HttpRequest } from '../../framework/http.ts'
import type { SeededRandom } from '../../framework/random.ts'

/** A fake web application: routes a request to a page, or returns undefined for "not mine" (404). */
export type Skin = (request: HttpRequest) => HttpReply | undefined

export const FAKE_APPS = ['none', 'wordpress', 'phpmyadmin', 'tomcat', 'jenkins'] as const
export type FakeApp = (typeof FAKE_APPS)[number]

const html = (body: string, headers: Record<string, string> = {}, status = 200): HttpReply => ({
  status,
  headers: { 'Content-Type': 'text/html; charset=UTF-8', ...headers },
  body,
})

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function buildSkin(app: FakeApp, hostname: string, random: SeededRandom): Skin {
  switch (app) {
    case 'wordpress':
      return wordpress(hostname, random)
    case 'phpmyadmin':
      return phpmyadmin(random)
    case 'tomcat':
      return tomcat(random)
    case 'jenkins':
      return jenkins(random)
    case 'none':
      return () => undefined
  }
}

function wordpress(hostname: string, random: SeededRandom): Skin {
  const version = random.pick(['6.4.3', '6.5.2', '6.5.5', '6.6.1', '6.6.2'])
  const title = random.pick(['Company Blog', 'News', 'Internal Updates', 'Engineering Notes'])
  const loginPage = (error?: string) =>
    html(
      `<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n<title>Log In &lsaquo; ${title} &#8212; WordPress</title>\n<link rel='stylesheet' href='/wp-admin/css/login.min.css?ver=${version}' type='text/css' media='all' />\n</head>\n<body class="login no-js login-action-login wp-core-ui">\n<div id="login">\n<h1><a href="https://wordpress.org/">Powered by WordPress</a></h1>\n${error ? `<div id="login_error">${error}</div>\n` : ''}<form name="loginform" id="loginform" action="/wp-login.php" method="post">\n<p><label for="user_login">Username or Email Address</label>\n<input type="text" name="log" id="user_login" class="input" value="" size="20" autocapitalize="off" autocomplete="username" required="required" /></p>\n<div class="user-pass-wrap"><label for="user_pass">Password</label>\n<input type="password" name="pwd" id="user_pass" class="input password-input" value="" size="20" autocomplete="current-password" spellcheck="false" required="required" /></div>\n<p class="forgetmenot"><input name="rememberme" type="checkbox" id="rememberme" value="forever" /> <label for="rememberme">Remember Me</label></p>\n<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" value="Log In" />\n<input type="hidden" name="redirect_to" value="/wp-admin/" /><input type="hidden" name="testcookie" value="1" /></p>\n</form>\n</div>\n</body>\n</html>\n`,
      { 'Set-Cookie': 'wordpress_test_cookie=WP%20Cookie%20check; path=/', 'X-Frame-Options': 'SAMEORIGIN' },
    )
  return (request) => {
    const path = request.path
    if (path === '/wp-login.php') {
      if (request.method !== 'POST') return loginPage()
      const user = new URLSearchParams(request.body).get('log') ?? ''
      return loginPage(
        `<strong>Error:</strong> The password you entered for the username <strong>${escapeHtml(user)}</strong> is incorrect. <a href="/wp-login.php?action=lostpassword">Lost your password?</a>`,
      )
    }
    if (path === '/wp-admin' || path.startsWith('/wp-admin/')) {
      return {
        status: 302,
        headers: {
          Location: `/wp-login.php?redirect_to=${encodeURIComponent(`http://${hostname}${request.url}`)}&reauth=1`,
        },
      }
    }
    if (path === '/xmlrpc.php') {
      return request.method === 'POST'
        ? {
            status: 200,
            headers: { 'Content-Type': 'text/xml; charset=UTF-8' },
            body: '<?xml version="1.0" encoding="UTF-8"?>\n<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>403</int></value></member><member><name>faultString</name><value><string>Incorrect username or password.</string></value></member></struct></value></fault></methodResponse>\n',
          }
        : {
            status: 405,
            headers: { 'Content-Type': 'text/plain;charset=UTF-8', Allow: 'POST' },
            body: 'XML-RPC server accepts POST requests only.',
          }
    }
    if (path === '/wp-json/' || path === '/wp-json') {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({
          name: title,
          description: '',
          url: `http://${hostname}`,
          namespaces: ['oembed/1.0', 'wp/v2'],
        }),
      }
    }
    if (path === '/' || path === '/index.php') {
      return html(
        `<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n<title>${title}</title>\n<meta name="generator" content="WordPress ${version}" />\n<link rel="https://api.w.org/" href="http://${hostname}/wp-json/" />\n</head>\n<body class="home blog">\n<header><h1 class="site-title"><a href="/">${title}</a></h1></header>\n<main><article><h2>Hello world!</h2><p>Welcome to WordPress. This is your first post. Edit or delete it, then start writing!</p></article></main>\n<footer><a href="/wp-login.php">Log in</a></footer>\n</body>\n</html>\n`,
        { Link: `<http://${hostname}/wp-json/>; rel="https://api.w.org/"` },
      )
    }
    return undefined
  }
}

function phpmyadmin(random: SeededRandom): Skin {
  const version = random.pick(['5.1.1', '5.2.0', '5.2.1'])
  const token = random.hex(32)
  const page = (error?: string) =>
    html(
      `<!DOCTYPE HTML>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n<meta name="robots" content="noindex,nofollow">\n<title>phpMyAdmin</title>\n<link rel="stylesheet" type="text/css" href="./themes/pmahomme/css/theme.css?v=${version}">\n</head>\n<body id="loginform">\n<div class="container">\n<a href="./url.php?url=https%3A%2F%2Fwww.phpmyadmin.net%2F" target="_blank" rel="noopener noreferrer" class="logo"><img src="./themes/pmahomme/img/logo_right.png" id="imLogo" name="imLogo" alt="phpMyAdmin" border="0"></a>\n<h1>Welcome to <bdo dir="ltr" lang="en">phpMyAdmin</bdo></h1>\n${error ? `<div class="alert alert-danger" role="alert">${error}</div>\n` : ''}<form method="post" id="login_form" action="index.php?route=/" name="login_form" class="disableAjax hide js-show">\n<fieldset class="pma-fieldset"><legend>Log in</legend>\n<div class="item"><label for="input_username">Username:</label><input type="text" name="pma_username" id="input_username" value="" size="24" class="textfield" autocomplete="username"></div>\n<div class="item"><label for="input_password">Password:</label><input type="password" name="pma_password" id="input_password" value="" size="24" class="textfield" autocomplete="current-password"></div>\n<input type="hidden" name="server" value="1">\n</fieldset>\n<fieldset class="pma-fieldset tblFooters"><input class="btn btn-primary" value="Log in" type="submit" id="input_go"><input type="hidden" name="route" value="/"><input type="hidden" name="token" value="${token}"></fieldset>\n</form>\n</div>\n</body>\n</html>\n`,
      { 'Set-Cookie': `phpMyAdmin=${random.fork('cookie').hex(26)}; path=/; HttpOnly; SameSite=Strict` },
    )
  return (request) => {
    if (!['/', '/index.php', '/phpmyadmin/', '/phpmyadmin/index.php'].includes(request.path)) return undefined
    if (request.method !== 'POST') return page()
    const user = new URLSearchParams(request.body).get('pma_username') ?? ''
    return page(
      `mysqli::real_connect(): (HY000/1045): Access denied for user '${escapeHtml(user)}'@'localhost' (using password: YES)<br>Cannot log in to the MySQL server`,
    )
  }
}

function tomcat(random: SeededRandom): Skin {
  const version = `9.0.${random.pick([65, 71, 80, 83, 85, 87])}`
  const unauthorized: HttpReply = html(
    `<!doctype html><html lang="en"><head><title>401 Unauthorized</title></head><body><h1>401 Unauthorized</h1><p>You are not authorized to view this page. If you have not changed any configuration files, please examine the file <tt>conf/tomcat-users.xml</tt> in your installation.</p></body></html>`,
    { 'WWW-Authenticate': 'Basic realm="Tomcat Manager Application"' },
    401,
  )
  return (request) => {
    if (request.path.startsWith('/manager') || request.path.startsWith('/host-manager')) return unauthorized
    if (request.path === '/' || request.path === '/index.jsp') {
      return html(
        `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8" />\n<title>Apache Tomcat/${version}</title>\n<link href="favicon.ico" rel="icon" type="image/x-icon" />\n<link href="tomcat.css" rel="stylesheet" type="text/css" />\n</head>\n<body>\n<div id="wrapper">\n<div id="navigation" class="curved container"><span id="nav-home"><a href="https://tomcat.apache.org/">Home</a></span></div>\n<div id="asf-box"><h1>Apache Tomcat/${version}</h1></div>\n<div id="congrats" class="curved container"><h2>If you're seeing this, you've successfully installed Tomcat. Congratulations!</h2></div>\n<div class="col25"><div class="container"><div class="button"><a class="container shadow" href="/manager/status"><span>Server Status</span></a></div><div class="button"><a class="container shadow" href="/manager/html"><span>Manager App</span></a></div><div class="button"><a class="container shadow" href="/host-manager/html"><span>Host Manager</span></a></div></div></div>\n</div>\n</body>\n</html>\n`,
      )
    }
    return undefined
  }
}

function jenkins(random: SeededRandom): Skin {
  const version = `2.${random.pick([414, 426, 440, 452, 462])}.${random.int(1, 3)}`
  const headers = { 'X-Jenkins': version, 'X-Hudson': '1.395', 'X-Jenkins-Session': random.hex(8) }
  const loginPage = (error: boolean) =>
    html(
      `<!DOCTYPE html><html><head resURL="/static/${random.fork('res').hex(8)}" data-rooturl="" data-resurl="/static/${random.fork('res').hex(8)}"><title>Sign in [Jenkins]</title><meta name="ROBOTS" content="NOFOLLOW"></head><body><div class="simple-page" role="main"><div class="modal login"><div id="loginIntroDefault"><div class="logo"></div><h1>Welcome to Jenkins!</h1></div><form method="post" name="login" action="j_spring_security_check"><div class="jenkins-form-item"><input placeholder="Username" type="text" autocomplete="username" name="j_username" id="j_username" autocorrect="off" autocapitalize="off" class="jenkins-input"></div><div class="jenkins-form-item"><input placeholder="Password" type="password" autocomplete="current-password" name="j_password" class="jenkins-input"></div>${error ? '<div class="app-sign-in-register__error">Invalid username or password</div>' : ''}<input name="from" type="hidden"><button type="submit" name="Submit" class="jenkins-button jenkins-button--primary">Sign in</button></form></div></div></body></html>`,
      headers,
    )
  return (request) => {
    if (request.path === '/j_spring_security_check' && request.method === 'POST') {
      return { status: 302, headers: { ...headers, Location: '/loginError' } }
    }
    if (request.path === '/login') return loginPage(false)
    if (request.path === '/loginError') return loginPage(true)
    if (request.path === '/' || request.path.startsWith('/script') || request.path.startsWith('/manage')) {
      return {
        status: 403,
        headers: {
          ...headers,
          'Content-Type': 'text/html;charset=utf-8',
          'X-You-Are-In-Group-Disabled':
            'JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose',
        },
        body: `<html><head><meta http-equiv='refresh' content='1;url=/login?from=${encodeURIComponent(request.url)}'/></head><body style='background-color:white; color:white;'>Authentication required</body></html>`,
      }
    }
    return undefined
  }
}
