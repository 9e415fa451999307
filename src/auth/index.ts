export { hashApiKey, newApiKey } from "./api-key.js";
export { createAuthenticator, type Authenticator, type AuthenticatorOptions } from "./authenticator.js";
export { authorizeAdmin, authorizeRequest } from "./authorize.js";
export { authProblemsAt, isLoopbackHost } from "./serve-checks.js";
