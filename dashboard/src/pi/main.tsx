/** @module pi/main — mounts the page on the Pi (the dashboard's second entry, pi/index.html). */
import { render } from 'preact';
import '../styles.css';
import './pi.css';
import { PiApp } from './pi-app.tsx';

render(<PiApp />, document.getElementById('app')!);
