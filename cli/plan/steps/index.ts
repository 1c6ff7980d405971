/**
 * Plan step registrations: one import line per step file. Add yours here (and keep the file's
 * `order` in mind: write-plan-json runs at 1000, so steps adding plan.json sections use < 1000).
 */
import "./resource-table";
import "./quota-table";
import "./network";
import "./gateway";
import "./warnings";
import "./compliance";
import "./write-plan-json";
