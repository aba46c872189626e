/*
 * WaBridge Embedded Signup snippet: no framework, no build step. Served by WaBridge at
 * /v1/signup/embed.js; the SaaS dashboard includes it and calls, from a click handler (popups need one):
 *
 *   WaBridgeSignup.launch({ token: '<the SaaS user's JWT>', onEvent: function (e) {}, onResult: function (r) {} });
 *
 * It starts a signup session (POST /v1/signup/sessions), loads Facebook's SDK, opens Meta's popup with
 * FB.login (config_id, response_type 'code', override_default_response_type true), accepts the popup's
 * WA_EMBEDDED_SIGNUP message only from an exact list of origins, and posts code + ids + state to
 * /v1/signup/complete at once (the code lives 30 seconds). FINISH, FINISH_ONLY_WABA, coexistence,
 * CANCEL (with current_step) and errors are all reported to WaBridge and to onResult.
 */
(function () {
  var script = document.currentScript;
  var apiBase = script ? script.src.replace(/\/v1\/signup\/embed\.js(\?.*)?$/, '') : '';
  var sdkLoaded = null;

  function loadSdk(session) {
    if (sdkLoaded) return sdkLoaded;
    sdkLoaded = new Promise(function (resolve, reject) {
      window.fbAsyncInit = function () {
        window.FB.init({ appId: session.appId, autoLogAppEvents: true, xfbml: false, version: session.graphVersion });
        resolve(window.FB);
      };
      var s = document.createElement('script');
      s.src = session.sdkUrl;
      s.async = true;
      s.onerror = function () { reject(new Error('could not load the Facebook SDK from ' + session.sdkUrl)); };
      document.head.appendChild(s);
    });
    return sdkLoaded;
  }

  function post(url, body, token) {
    var headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(url, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (json) { return { status: r.status, body: json }; });
    });
  }

  /** Runs the popup for a session and reports the outcome to completeUrl. */
  function run(session, completeUrl, token, handlers) {
    handlers = handlers || {};
    return loadSdk(session).then(function (FB) {
      return new Promise(function (resolve) {
        var signup = null, code = null, sent = false, waitTimer = null;
        function finish(extra) {
          if (sent) return;
          sent = true;
          window.removeEventListener('message', onMessage);
          var d = (signup && signup.data) || {};
          var body = {
            state: session.state,
            event: (signup && signup.event) || extra.event,
            code: code || undefined,
            waba_id: d.waba_id, phone_number_id: d.phone_number_id, business_id: d.business_id,
            current_step: d.current_step || extra.current_step,
            error_message: d.error_message, error_code: d.error_code || d.error_id
          };
          post(completeUrl, body, token).then(function (r) {
            if (handlers.onResult) handlers.onResult(r);
            resolve(r);
          }, function (e) {
            var r = { status: 0, body: { error: { code: 'network', message: String(e) } } };
            if (handlers.onResult) handlers.onResult(r);
            resolve(r);
          });
        }
        function ready() {
          if (!signup) return;
          var ev = signup.event || '';
          if (ev === 'CANCEL' || ev === 'ERROR') finish({});
          else if (ev.indexOf('FINISH') === 0 && code) finish({});
        }
        function onMessage(event) {
          if (session.messageOrigins.indexOf(event.origin) < 0) return;   // exact origins, never endsWith
          var data;
          try { data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch (e) { return; }
          if (!data || data.type !== 'WA_EMBEDDED_SIGNUP') return;
          signup = data;
          if (handlers.onEvent) handlers.onEvent(data);
          ready();
        }
        window.addEventListener('message', onMessage);
        FB.login(function (response) {
          code = response && response.authResponse ? response.authResponse.code : null;
          if (!code) {
            // Closed without finishing: report a cancellation unless the popup already said why.
            setTimeout(function () { if (!signup) finish({ event: 'CANCEL', current_step: 'POPUP_CLOSED' }); else ready(); }, 500);
            return;
          }
          ready();
          // The ids come in the message event; give it a moment, then report what we have.
          waitTimer = setTimeout(function () { if (!sent) finish({ event: 'FINISH' }); }, 5000);
        }, {
          config_id: session.configId,
          response_type: 'code',
          override_default_response_type: true,
          extras: { setup: {}, sessionInfoVersion: '3' }
        });
      });
    });
  }

  window.WaBridgeSignup = {
    /** From the SaaS dashboard: starts a session with the user's JWT, then runs the popup. */
    launch: function (options) {
      var token = options.token;
      return post(apiBase + '/v1/signup/sessions', {}, token).then(function (r) {
        if (r.status !== 201) {
          if (options.onResult) options.onResult(r);
          return r;
        }
        return run(r.body, apiBase + '/v1/signup/complete', token, options);
      });
    },
    /** For the hosted page: the session is already known; the signed state authorises completion. */
    run: run
  };
})();
