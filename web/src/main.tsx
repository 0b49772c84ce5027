// The app's entry point: renders the shell into #app.
import { render } from 'preact';
import './app/style.css';
import { App } from './ui/App.js';

render(<App />, document.getElementById('app')!);
