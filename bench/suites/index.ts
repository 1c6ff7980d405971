/** Bench suite registrations: one import line per suite file. */
import "./plan";
import "./routing";
import "./streaming";
import "./windows";
