import { createI18n } from 'vue-i18n'
import zh from './locales/zh-CN'
import en from './locales/en'

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('fupin.locale') : null

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
})

export function setLocale(locale: 'zh-CN' | 'en'): void {
  i18n.global.locale.value = locale
  localStorage.setItem('fupin.locale', locale)
  document.documentElement.lang = locale
}
