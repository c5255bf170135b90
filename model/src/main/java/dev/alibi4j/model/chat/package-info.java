/** Conversations to prompts: the checkpoint's Jinja chat template, or a plain default. */
package dev.alibi4j.model.chat;
