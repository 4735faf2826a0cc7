// Jest loads global setup outside its transform pipeline: register the TypeScript loader first.
require('@swc-node/register');
module.exports = require('./src/jest-global-setup').default;
