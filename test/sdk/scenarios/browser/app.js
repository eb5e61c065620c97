/* global window, document, performance, URLSearchParams */
// The test page's script, bundled by esbuild into an IIFE (test/sdk/browser-scenarios.ts).
// Config comes from window.__PULSE_SDK__ = { dsn, mode: 'stream' | 'static', release, environment },
// set inline by the page before this bundle loads.
import * as Sentry from '@sentry/browser';

const config = window.__PULSE_SDK__;

Sentry.init({
  dsn: config.dsn,
  release: config.release,
  environment: config.environment,
  integrations: [Sentry.browserTracingIntegration()],
  tracesSampleRate: 1,
  // Streaming is the SDK's default: only the static variant sets the option.
  ...(config.mode === 'static' && { traceLifecycle: 'static' }),
});

function busyWait(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // block the main thread: a slow interaction (INP)
  }
}

// Pageload: a large text block (the LCP element), a banner inserted above it later (a layout
// shift, CLS) and a button whose click handler blocks the main thread (INP).
function pageload() {
  const hero = document.createElement('h1');
  hero.id = 'hero';
  hero.textContent = 'Pulse records what the Sentry SDKs send: a large heading to be the largest contentful paint.';
  hero.style.cssText = 'font-size: 56px; line-height: 1.2; margin: 16px; width: 90vw;';
  const button = document.createElement('button');
  button.id = 'slow';
  button.textContent = 'Slow button';
  button.style.cssText = 'font-size: 24px; padding: 12px 24px; margin: 16px;';
  button.addEventListener('click', () => {
    busyWait(250);
    button.textContent = 'Clicked';
  });
  document.body.append(hero, button);
  window.setTimeout(() => {
    const banner = document.createElement('div');
    banner.id = 'banner';
    banner.textContent = 'A late banner that pushes the content down';
    banner.style.cssText = 'height: 240px; background: #fc3; font-size: 32px;';
    document.body.prepend(banner);
    document.body.dataset.shifted = 'true';
  }, 300);
}

function level3() {
  Sentry.captureException(new Error('browser boom'));
}
function level2() {
  level3();
}
function level1() {
  level2();
}

// Errors: a handled exception from nested functions, then an uncaught one (window.onerror).
function errors() {
  level1();
  window.setTimeout(function throwUncaught() {
    throw new TypeError('uncaught browser boom');
  }, 50);
  window.setTimeout(() => (document.body.dataset.done = 'true'), 200);
}

const scenario = new URLSearchParams(window.location.search).get('scenario');
if (scenario === 'errors') errors();
else pageload();
