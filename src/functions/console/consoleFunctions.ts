import { app } from '@azure/functions';
import { services } from '../../app/services';
import { consolePage, loadAssets, WEB_ROOT } from './pages';

const assets = loadAssets(WEB_ROOT);

app.http('console', {
  methods: ['GET'],
  route: 'console/{*path}',
  authLevel: 'anonymous',
  handler: (request) => Promise.resolve(consolePage(request, assets, services().settings.campaign.timeZone)),
});
