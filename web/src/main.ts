import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startRouter } from './lib/router.svelte';

// The server writes a landing page's links and schema.org markup into the head for clients that run no
// JavaScript; the application renders its own for the page in view, so the server's would be stale or twice.
for (const element of document.head.querySelectorAll('[data-server-head]')) element.remove();
startRouter();
mount(App, { target: document.getElementById('app')! });
