import { createUmaClient } from '@app/sdk';

const client = createUmaClient({ baseUrl: '', mode: 'cookie' });
document.getElementById('app')!.textContent = client ? 'ready' : '';
