#!/usr/bin/env node
// The CLI as it was first published (package "bin" until 0.1): the CommonJS entry does the work.
import './bin.cjs';
