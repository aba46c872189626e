/*
 * The Meta sandbox's stand-in for Facebook's JS SDK (https://connect.facebook.net/en_US/sdk.js), enough
 * for Embedded Signup: FB.init and FB.login(callback, {config_id, response_type: 'code',
 * override_default_response_type: true, extras}). FB.login opens the sandbox's signup popup; the popup
 * posts Meta's WA_EMBEDDED_SIGNUP message event to this window and hands the code back to the callback
 * as {authResponse: {code}}, the same contract as the real SDK.
 */
(function () {
  var sandboxOrigin = new URL(document.currentScript.src).origin;
  var state = { appId: null, version: null };
  window.FB = {
    init: function (options) {
      state.appId = options && options.appId;
      state.version = options && options.version;
    },
    login: function (callback, options) {
      options = options || {};
      if (!options.config_id || options.response_type !== 'code' || options.override_default_response_type !== true) {
        callback({ authResponse: null, status: 'unknown', error: 'config_id, response_type code and override_default_response_type are required' });
        return;
      }
      var url = sandboxOrigin + '/_sandbox/signup?app_id=' + encodeURIComponent(state.appId || '') +
        '&config_id=' + encodeURIComponent(options.config_id) +
        '&origin=' + encodeURIComponent(window.location.origin);
      var popup = window.open(url, 'wa_embedded_signup', 'width=600,height=700');
      function onMessage(event) {
        if (event.origin !== sandboxOrigin) return;
        var data;
        try { data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data; } catch (e) { return; }
        if (!data || data.type !== 'SANDBOX_FB_LOGIN') return;
        window.removeEventListener('message', onMessage);
        callback(data.code ? { authResponse: { code: data.code }, status: 'connected' } : { authResponse: null, status: 'unknown' });
      }
      window.addEventListener('message', onMessage);
      return popup;
    }
  };
  if (typeof window.fbAsyncInit === 'function') {
    window.fbAsyncInit();
  }
})();
