// Installs the Buffer the shared ledger and gateway modules read at load time: it must run first.
import './platform/install-buffer.ts';
import './styles.css';
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root === null) throw new Error('no #app element');
render(<App />, root);
