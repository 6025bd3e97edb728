// The Functions entry point (package.json "main"): importing a module registers its functions.
// Settings first: a bad one stops the app here, before any function is registered (src/app/startUp.ts).
import './app/startUp';
import './entities/member';
import './entities/notificationOutbox';
import './orchestrators/memberCampaign';
import './orchestrators/memberCampaignV2';
import './orchestrators/notifyDispatch';
import './functions/campaignActivities';
import './functions/httpApi';
import './functions/transactions';
import './functions/sweep';
import './functions/notifyDispatcher';
import './functions/feedFunctions';
import './functions/feedHttp';
import './functions/console/consoleFunctions';
