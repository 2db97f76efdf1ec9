#!/usr/bin/env node
// Launcher for the compiled CLI (see src/cli/main.ts).
import '../dist/cli/main.js';
