// CommonJS stand-in for the ESM-only `strip-bom` (see jest.config.js): same behaviour, one line.
module.exports = (text) => (typeof text === 'string' && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
module.exports.default = module.exports;
