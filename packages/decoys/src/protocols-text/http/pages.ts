/**
 * The default pages each server/distro shows after installation, as the files it would serve: the
 * real page's title, headline, structure and exact byte size (scanners and people compare sizes
 * and ETags, which encode the size). The prose is written here, not copied: what matters on the
 * wire is the title, the headline and the length.
 */

export type DefaultPage = {
  /** Where the file lives on the real system (for the record; the path served is `/`). */
  file: string
  contentType: string
  body: string
  /** Status the server answers `/` with (Rocky's welcome page comes with 403 Forbidden). */
  status: number
}

/** Pads `html` with whitespace inside its style block (where real pages keep kilobytes of CSS) to `size` bytes. */
function fitted(html: string, size: number): string {
  const length = Buffer.byteLength(html)
  if (length > size) throw new Error(`default page template is ${length} bytes, longer than ${size}`)
  const marker = html.includes('</style>') ? '</style>' : '</head>'
  const at = html.indexOf(marker)
  const missing = size - length
  // Indented blank lines, as an editor leaves them between rules.
  const filler = '    \n'.repeat(Math.floor(missing / 5)) + ' '.repeat(missing % 5)
  return `${html.slice(0, at)}${filler}${html.slice(at)}`
}

const apacheDebianLike = (distro: 'Debian' | 'Ubuntu', size: number, docroot: string): DefaultPage => ({
  file: `${docroot}/index.html`,
  contentType: 'text/html',
  status: 200,
  body: fitted(
    `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
${distro === 'Ubuntu' ? '  <!--\n    Modified from the Debian original for Ubuntu\n    Last updated: see /usr/share/doc/apache2/changelog\n  -->\n' : ''}  <head>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
    <title>Apache2 ${distro} Default Page: It works</title>
    <style type="text/css" media="screen">
  * {
    margin: 0px 0px 0px 0px;
    padding: 0px 0px 0px 0px;
  }

  body, html {
    padding: 3px 3px 3px 3px;
    background-color: #D8DBE2;
    font-family: Ubuntu, Verdana, sans-serif;
    font-size: 11pt;
    text-align: center;
  }

  div.main_page {
    position: relative;
    display: table;
    width: 800px;
    margin-bottom: 3px;
    margin-left: auto;
    margin-right: auto;
    padding: 0px 0px 0px 0px;
    border-width: 2px;
    border-color: #212738;
    border-style: solid;
    background-color: #FFFFFF;
    text-align: center;
  }

  div.page_header {
    height: 180px;
    width: 100%;
    background-color: #F5F6F7;
  }

  div.page_header span {
    margin: 15px 0px 0px 50px;
    font-size: 180%;
    font-weight: bold;
  }

  div.section_header {
    padding: 3px 6px 3px 6px;
    background-color: #8E9CB2;
    color: #FFFFFF;
    font-weight: bold;
    font-size: 112%;
    text-align: center;
  }

  div.content_section_text {
    padding: 4px 8px 4px 8px;
    color: #000000;
    font-size: 100%;
  }

  div.content_section_text pre {
    margin: 8px 0px 8px 0px;
    padding: 8px 8px 8px 8px;
    border-width: 1px;
    border-style: dotted;
    border-color: #000000;
    background-color: #F5F6F7;
    font-style: italic;
  }

  div.content_section_text p {
    margin-bottom: 6px;
  }

  div.validator {
  }
    </style>
  </head>
  <body>
    <div class="main_page">
      <div class="page_header floating_element">
        <img src="icons/openlogo-75.png" alt="${distro} Logo" class="floating_element"/>
        <span class="floating_element">
          Apache2 ${distro} Default Page
        </span>
      </div>
      <div class="content_section floating_element">

        <div class="section_header section_header_red">
          <div id="about"></div>
          It works!
        </div>
        <div class="content_section_text">
          <p>
                This page shows that Apache2 was installed correctly on this ${distro} system.
                Replace this file (located at <tt>${docroot}/index.html</tt>) before going
                further with your HTTP server.
          </p>
          <p>
                If you are a regular visitor of this site, the site is probably being set up
                or under maintenance: please try again later.
          </p>
        </div>
        <div class="section_header">
          <div id="changes"></div>
                Configuration Overview
        </div>
        <div class="content_section_text">
          <p>
                ${distro}'s Apache2 configuration is split into several files, each with its
                own job. See <tt>/usr/share/doc/apache2/README.Debian.gz</tt> for the details
                and the manual (package <tt>apache2-doc</tt>) for the directives.
          </p>
          <pre>
/etc/apache2/
|-- apache2.conf
|       \`--  ports.conf
|-- mods-enabled
|       |-- *.load
|       \`-- *.conf
|-- conf-enabled
|       \`-- *.conf
|-- sites-enabled
|       \`-- *.conf
          </pre>
          <ul>
            <li><tt>apache2.conf</tt> is the main configuration file and includes the others.</li>
            <li><tt>ports.conf</tt> sets the ports the server listens on.</li>
            <li>The <tt>mods-enabled/</tt>, <tt>conf-enabled/</tt> and <tt>sites-enabled/</tt>
                directories hold links to the files in their <tt>*-available/</tt> counterparts,
                managed with <tt>a2enmod</tt>, <tt>a2enconf</tt> and <tt>a2ensite</tt>.</li>
            <li>Start and stop the server with <tt>systemctl</tt>, not by calling
                <tt>/usr/sbin/apache2</tt> directly.</li>
          </ul>
        </div>

        <div class="section_header">
            <div id="docroot"></div>
                Document Roots
        </div>

        <div class="content_section_text">
            <p>
                By default only files under <tt>/var/www</tt>, <tt>public_html</tt> and
                <tt>/usr/share</tt> are served; see <tt>/etc/apache2/apache2.conf</tt>.
            </p>
            <p>
                The default document root is <tt>${docroot}</tt>.
            </p>
        </div>

        <div class="section_header">
          <div id="bugs"></div>
                Reporting Problems
        </div>
        <div class="content_section_text">
          <p>
                Report problems with the packaging through the ${distro} bug tracker, after
                checking the existing reports for the <tt>apache2</tt> package.
          </p>
        </div>
      </div>
    </div>
    <div class="validator">
    </div>
  </body>
</html>
`,
    size,
  ),
})

/** Rocky/RHEL's welcome page (httpd's `/usr/share/httpd/noindex/index.html`), served with 403. */
const apacheRhelTestPage = (distro: string): DefaultPage => ({
  file: '/usr/share/httpd/noindex/index.html',
  contentType: 'text/html; charset=UTF-8',
  status: 403,
  body: fitted(
    `<!doctype html>
<html>
  <head>
    <meta charset='utf-8'>
    <meta name='viewport' content='width=device-width, initial-scale=1'>
    <title>HTTP Server Test Page powered by: ${distro}</title>
    <style type="text/css">
      /*<![CDATA[*/

      html {
        height: 100%;
        width: 100%;
      }
        body {
  background: rgb(20,72,50);
  background: -moz-linear-gradient(180deg, rgba(23,43,70,1) 30%, rgba(0,0,0,1) 90%)  ;
  background: -webkit-linear-gradient(180deg, rgba(23,43,70,1) 30%, rgba(0,0,0,1) 90%) ;
  background: linear-gradient(180deg, rgba(23,43,70,1) 30%, rgba(0,0,0,1) 90%);
  background-repeat: no-repeat;
  background-attachment: fixed;
  color: white;
  font-size: 0.9em;
  font-weight: 400;
  font-family: 'Montserrat', sans-serif;
  margin: 0;
  padding: 10em 6em 10em 6em;
  box-sizing: border-box;
      }

  h1 { text-align: center; margin: 0; padding: 0.6em 2em 0.4em; color: #fff; font-weight: bold; font-size: 3em; }
  h2 { text-align: center; padding: 1em; }
  .row { display: flex; }
  .col { flex: 1; padding: 2em; }
  a { color: #fff; }
      /*]]>*/
    </style>
  </head>
  <body>
    <h1>HTTP Server <strong>Test Page</strong></h1>
    <div class='row'>
      <div class='col'>
         <h2>If you are a member of the general public:</h2>
         <p>This page means the site is being set up or is undergoing maintenance:
            its owners have not put their content in place yet.</p>
      </div>
      <div class='col'>
         <h2>If you are the website administrator:</h2>
         <p>Add your content to <tt>/var/www/html/</tt>. Until then this page is shown
            instead of an index; disable it in <tt>/etc/httpd/conf.d/welcome.conf</tt>.</p>
      </div>
    </div>
    <footer class="col">
      <p><a href="https://apache.org">Apache&trade;</a> is a registered trademark of the Apache Software Foundation.</p>
    </footer>
  </body>
</html>
`,
    7620,
  ),
})

/** Upstream Apache's `htdocs/index.html` (Alpine and source builds). */
const apacheUpstream: DefaultPage = {
  file: '/var/www/localhost/htdocs/index.html',
  contentType: 'text/html',
  status: 200,
  body: '<html><body><h1>It works!</h1></body></html>\n',
}

/** nginx's welcome page (BSD-licensed; Debian copies it to `index.nginx-debian.html`), 615 bytes. */
const nginxWelcome = (file: string): DefaultPage => ({
  file,
  contentType: 'text/html',
  status: 200,
  body: '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href="http://nginx.org/">nginx.org</a>.<br/>\nCommercial support is available at\n<a href="http://nginx.com/">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n',
})

/** IIS's `iisstart.htm`: 703 bytes on IIS 10, 701 on IIS 8.5. */
const iisStart = (size: number): DefaultPage => ({
  file: 'C:\\inetpub\\wwwroot\\iisstart.htm',
  contentType: 'text/html',
  status: 200,
  body: fitted(
    `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<title>IIS Windows Server</title>
<style type="text/css">
<!--
body {
	color:#000000;
	background-color:#0072C6;
	margin:0;
}

#container {
	margin-left:auto;
	margin-right:auto;
	text-align:center;
	}

a img {
	border:none;
}

-->
</style>
</head>
<body>
<div id="container">
<a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a>
</div>
</body>
</html>`,
    size,
  ),
})

const lighttpdPlaceholder: DefaultPage = {
  file: '/var/www/html/index.lighttpd.html',
  contentType: 'text/html',
  status: 200,
  body: fitted(
    `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="content-type" content="text/html; charset=UTF-8" />
<title>Welcome page</title>
<style type="text/css" media="screen">
body { background: #e7e7e7; font-family: Verdana, sans-serif; font-size: 11pt; }
#page { background: #ffffff; margin: 50px; border: 2px solid #c0c0c0; padding: 10px; }
#header { background: #4b6983; border: 2px solid #7590ae; text-align: center; padding: 10px; color: #ffffff; }
#header h1 { color: #ffffff; }
#body { padding: 10px; }
span.tt { font-family: monospace; }
span.bold { font-weight: bold; }
a:link { text-decoration: none; font-weight: bold; color: #C00; background: #ffc; }
</style>
</head>
<body>
<div id="page">
 <div id="header">
 <h1> Placeholder page </h1>
 The owner of this web site has not put up any web pages yet. Please come back later.
 </div>
 <div id="body">
 <h2>You should replace this page with your own web pages as soon as possible.</h2>
 Unless you changed its configuration, your new server is configured as follows:
 <ul>
 <li>Configuration files can be found in <span class="tt">/etc/lighttpd</span>.</li>
 <li>The <span class="tt">DocumentRoot</span> is <span class="tt">/var/www/html</span>.</li>
 <li>CGI scripts are looked for in <span class="tt">/usr/lib/cgi-bin</span>.</li>
 <li>Log files are placed in <span class="tt">/var/log/lighttpd</span>.</li>
 </ul>
 </div>
</div>
</body>
</html>
`,
    3380,
  ),
}

/** A device's login landing page (appliances show a login frame, not a welcome page). */
const deviceLanding = (title: string): DefaultPage => ({
  file: '/www/index.html',
  contentType: 'text/html',
  status: 200,
  body: `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n<title>${title}</title>\n</head>\n<body>\n<form method="post" action="/login.cgi">\n<table align="center">\n<tr><td>User Name</td><td><input type="text" name="username" size="20"></td></tr>\n<tr><td>Password</td><td><input type="password" name="password" size="20"></td></tr>\n<tr><td colspan="2" align="center"><input type="submit" value="Login"></td></tr>\n</table>\n</form>\n</body>\n</html>\n`,
})

/** The default page of a product on an OS (`os.id`, `os.versionId`, the product's version). */
export function defaultPage(
  product: string,
  os: { id: string; versionId: string; name: string },
  productVersion: string,
  deviceTitle: string,
): DefaultPage {
  switch (product) {
    case 'apache': {
      if (os.id === 'debian') return apacheDebianLike('Debian', 10701, '/var/www/html')
      // Ubuntu 22.04+ trimmed the page (10671 bytes); 14.04–20.04 served the 10918-byte one ("2aa6").
      if (os.id === 'ubuntu')
        return apacheDebianLike(
          'Ubuntu',
          Number.parseFloat(os.versionId) >= 22 ? 10671 : 10918,
          '/var/www/html',
        )
      if (['rocky', 'rhel', 'centos', 'almalinux', 'fedora'].includes(os.id))
        return apacheRhelTestPage(os.name.replace(/ release.*| \d.*$/, ''))
      return apacheUpstream
    }
    case 'nginx':
      return nginxWelcome(
        os.id === 'debian' || os.id === 'ubuntu'
          ? '/var/www/html/index.nginx-debian.html'
          : '/usr/share/nginx/html/index.html',
      )
    case 'iis':
      return iisStart(productVersion.startsWith('10') ? 703 : 701)
    case 'lighttpd':
      return lighttpdPlaceholder
    default:
      return deviceLanding(deviceTitle)
  }
}
