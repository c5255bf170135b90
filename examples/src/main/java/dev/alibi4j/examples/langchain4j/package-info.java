/** LangChain4j chat models that run alibi4j in process. */
package dev.alibi4j.examples.langchain4j;
